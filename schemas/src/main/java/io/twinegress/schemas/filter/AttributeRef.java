package io.twinegress.schemas.filter;

import java.util.List;

/**
 * An attribute of the event, e.g. {@code subject} or {@code $body.Properties['ms-client-request-id']}.
 *
 * @param attribute which one
 * @param path      the names under {@code $body} (empty for every other attribute, and for {@code $body} itself)
 * @param position  where it starts in the filter (1-based), for error messages
 * @param slot      where its value is in an {@link EventValues}; -1 until bound to a plan
 */
record AttributeRef(Attribute attribute, List<String> path, int position, int slot) implements Operand {

    AttributeRef {
        path = List.copyOf(path);
    }

    @Override
    public Object value(EventValues event) {
        return event.get(slot);
    }

    @Override
    public Operand bind(FilterPlan.Builder plan) {
        return new AttributeRef(attribute, path, position, plan.slot(this));
    }

    @Override
    public void render(StringBuilder out) {
        out.append(attribute.filterName());
        for (String name : path) {
            if (isPlainName(name)) {
                out.append('.').append(name);
            } else {
                out.append('[').append(Literal.quote(name)).append(']');
            }
        }
    }

    /** A name that can follow a dot: a letter, {@code _} or {@code $}, then letters, digits, {@code _} or {@code $}. */
    static boolean isPlainName(String name) {
        if (name.isEmpty() || !(Character.isLetter(name.charAt(0)) || name.charAt(0) == '_' || name.charAt(0) == '$')) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            if (!Lexer.isWordPart(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
