package io.twinegress.schemas.filter;

import java.util.List;
import java.util.function.Consumer;

/** {@code x IN ('a', 'b', 3)}: x equals one of the literals. */
record InList(Operand operand, List<Literal> values) implements Node {

    InList {
        values = List.copyOf(values);
    }

    @Override
    public boolean test(EventValues event) {
        Object v = operand.value(event);
        if (v == null) {
            return false;
        }
        for (Literal candidate : values) {
            if (Json.equal(v, candidate.value())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Node bind(FilterPlan.Builder plan) {
        return new InList(operand.bind(plan), values);
    }

    @Override
    public void render(StringBuilder out) {
        operand.render(out);
        out.append(" IN (");
        for (int i = 0; i < values.size(); i++) {
            out.append(i > 0 ? ", " : "");
            values.get(i).render(out);
        }
        out.append(')');
    }

    @Override
    public void attributes(Consumer<AttributeRef> each) {
        if (operand instanceof AttributeRef a) {
            each.accept(a);
        }
    }
}
