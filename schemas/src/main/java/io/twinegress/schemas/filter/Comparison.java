package io.twinegress.schemas.filter;

import java.util.function.Consumer;

/** {@code a = b}, {@code a != b}, {@code a < b}, {@code a <= b}, {@code a > b}, {@code a >= b}. */
record Comparison(Operand left, Op op, Operand right) implements Node {

    enum Op {
        EQ("="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        String symbol() {
            return symbol;
        }

        static Op of(String symbol) {
            for (Op op : values()) {
                if (op.symbol.equals(symbol)) {
                    return op;
                }
            }
            throw new IllegalArgumentException(symbol);
        }
    }

    @Override
    public boolean test(EventValues event) {
        Object a = left.value(event);
        Object b = right.value(event);
        return switch (op) {
            case EQ -> Json.equal(a, b);
            // NOT (a = b): true for a missing field, and for an array none of whose elements equals b.
            case NE -> !Json.equal(a, b);
            default -> Json.ordered(a, b, op);
        };
    }

    @Override
    public Node bind(FilterPlan.Builder plan) {
        return new Comparison(left.bind(plan), op, right.bind(plan));
    }

    @Override
    public void render(StringBuilder out) {
        left.render(out);
        out.append(' ').append(op.symbol).append(' ');
        right.render(out);
    }

    @Override
    public void attributes(Consumer<AttributeRef> each) {
        if (left instanceof AttributeRef a) {
            each.accept(a);
        }
        if (right instanceof AttributeRef a) {
            each.accept(a);
        }
    }
}
