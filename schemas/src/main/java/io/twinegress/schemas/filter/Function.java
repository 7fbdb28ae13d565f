package io.twinegress.schemas.filter;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** {@code STARTS_WITH(x, 's')}, {@code ENDS_WITH(x, 's')}, {@code CONTAINS(x, 's')} and {@code IS_DEFINED(x)}. */
final class Function {

    enum Name {
        STARTS_WITH, ENDS_WITH, CONTAINS, IS_DEFINED;

        /** Function names are case-insensitive. */
        static Optional<Name> of(String word) {
            return Arrays.stream(values()).filter(n -> n.name().equalsIgnoreCase(word)).findFirst();
        }

        static String names() {
            return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
        }
    }

    private Function() {
    }

    /** The three string tests. */
    enum StringName {
        STARTS_WITH, ENDS_WITH, CONTAINS
    }

    /** A string test on x (on any element when x is an array); false unless x is a string. Ordinal, case-sensitive. */
    record StringTest(StringName name, Operand operand, String argument) implements Node {

        @Override
        public boolean test(EventValues event) {
            Object v = operand.value(event);
            if (v instanceof Object[] elements) {
                for (Object e : elements) {
                    if (matches(e)) {
                        return true;
                    }
                }
                return false;
            }
            return matches(v);
        }

        private boolean matches(Object v) {
            if (!(v instanceof String s)) {
                return false;
            }
            return switch (name) {
                case STARTS_WITH -> s.startsWith(argument);
                case ENDS_WITH -> s.endsWith(argument);
                case CONTAINS -> s.contains(argument);
            };
        }

        @Override
        public Node bind(FilterPlan.Builder plan) {
            return new StringTest(name, operand.bind(plan), argument);
        }

        @Override
        public void render(StringBuilder out) {
            out.append(name).append('(');
            operand.render(out);
            out.append(", ").append(Literal.quote(argument)).append(')');
        }

        @Override
        public void attributes(Consumer<AttributeRef> each) {
            if (operand instanceof AttributeRef a) {
                each.accept(a);
            }
        }
    }

    /** True when the event has the attribute, whatever its value (JSON null included). */
    record IsDefined(AttributeRef attribute) implements Node {

        @Override
        public boolean test(EventValues event) {
            return attribute.value(event) != null;
        }

        @Override
        public Node bind(FilterPlan.Builder plan) {
            return new IsDefined((AttributeRef) attribute.bind(plan));
        }

        @Override
        public void render(StringBuilder out) {
            out.append(Name.IS_DEFINED).append('(');
            attribute.render(out);
            out.append(')');
        }

        @Override
        public void attributes(Consumer<AttributeRef> each) {
            each.accept(attribute);
        }
    }
}
