package io.twinegress.schemas.filter;

import java.util.List;
import java.util.function.Consumer;

/** AND, OR, NOT and the constants {@code true} and {@code false}. */
final class Logic {

    private Logic() {
    }

    /** True when every child is (evaluated left to right, stops at the first false). */
    record And(List<Node> children) implements Node {

        And {
            children = List.copyOf(children);
        }

        @Override
        public boolean test(EventValues event) {
            for (Node child : children) {
                if (!child.test(event)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public Node bind(FilterPlan.Builder plan) {
            return new And(children.stream().map(c -> c.bind(plan)).toList());
        }

        @Override
        public void render(StringBuilder out) {
            join(out, children, " AND ", Or.class);
        }

        @Override
        public void attributes(Consumer<AttributeRef> each) {
            children.forEach(c -> c.attributes(each));
        }
    }

    /** True when any child is (evaluated left to right, stops at the first true). */
    record Or(List<Node> children) implements Node {

        Or {
            children = List.copyOf(children);
        }

        @Override
        public boolean test(EventValues event) {
            for (Node child : children) {
                if (child.test(event)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Node bind(FilterPlan.Builder plan) {
            return new Or(children.stream().map(c -> c.bind(plan)).toList());
        }

        @Override
        public void render(StringBuilder out) {
            join(out, children, " OR ", And.class);
        }

        @Override
        public void attributes(Consumer<AttributeRef> each) {
            children.forEach(c -> c.attributes(each));
        }
    }

    record Not(Node child) implements Node {

        @Override
        public boolean test(EventValues event) {
            return !child.test(event);
        }

        @Override
        public Node bind(FilterPlan.Builder plan) {
            return new Not(child.bind(plan));
        }

        @Override
        public void render(StringBuilder out) {
            out.append("NOT ");
            boolean group = child instanceof And || child instanceof Or;
            out.append(group ? "(" : "");
            child.render(out);
            out.append(group ? ")" : "");
        }

        @Override
        public void attributes(Consumer<AttributeRef> each) {
            child.attributes(each);
        }
    }

    /** {@code true} or {@code false} on its own. */
    record Constant(boolean value) implements Node {

        @Override
        public boolean test(EventValues event) {
            return value;
        }

        @Override
        public Node bind(FilterPlan.Builder plan) {
            return this;
        }

        @Override
        public void render(StringBuilder out) {
            out.append(value);
        }

        @Override
        public void attributes(Consumer<AttributeRef> each) {
        }
    }

    private static void join(StringBuilder out, List<Node> children, String operator, Class<?> needsParentheses) {
        for (int i = 0; i < children.size(); i++) {
            Node child = children.get(i);
            out.append(i > 0 ? operator : "");
            boolean group = needsParentheses.isInstance(child);
            out.append(group ? "(" : "");
            child.render(out);
            out.append(group ? ")" : "");
        }
    }
}
