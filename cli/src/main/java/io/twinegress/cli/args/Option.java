package io.twinegress.cli.args;

/**
 * One {@code --name} the parser knows.
 *
 * @param name       without the leading dashes
 * @param takesValue {@code --name value} / {@code --name=value}; otherwise a flag
 * @param repeatable may be given more than once (values kept in order)
 * @param help       one line for the usage text
 */
public record Option(String name, boolean takesValue, boolean repeatable, String help) {

    public static Option value(String name, String help) {
        return new Option(name, true, false, help);
    }

    public static Option repeated(String name, String help) {
        return new Option(name, true, true, help);
    }

    public static Option flag(String name, String help) {
        return new Option(name, false, false, help);
    }
}
