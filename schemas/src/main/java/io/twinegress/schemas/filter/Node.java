package io.twinegress.schemas.filter;

import java.util.function.Consumer;

/**
 * A compiled filter expression. Trees are immutable and shallow: AND and OR chains are one node
 * with many children, and the parser bounds nesting, so evaluating and rendering recurse at most
 * a few frames per level. {@link #test} never throws.
 */
interface Node {

    boolean test(EventValues event);

    /** The same tree with every attribute bound to its slot in the plan. */
    Node bind(FilterPlan.Builder plan);

    /** The canonical text: keywords and functions upper case, parentheses only where precedence needs them. */
    void render(StringBuilder out);

    /** Every attribute the tree reads, in source order. */
    void attributes(Consumer<AttributeRef> each);
}
