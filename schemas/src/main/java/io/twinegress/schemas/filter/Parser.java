package io.twinegress.schemas.filter;

import io.twinegress.schemas.filter.Lexer.Kind;
import io.twinegress.schemas.filter.Lexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Recursive descent over the token list:
 *
 * <pre>
 * filter    := or END
 * or        := and (OR and)*
 * and       := unary (AND unary)*
 * unary     := NOT* primary
 * primary   := '(' or ')' | function | operand [ compare operand | [NOT] IN '(' literal (',' literal)* ')' ]
 * function  := (STARTS_WITH | ENDS_WITH | CONTAINS) '(' operand ',' string ')' | IS_DEFINED '(' attribute ')'
 * operand   := attribute | literal
 * attribute := name | ($body | data) ('.' name | '[' string ']')*
 * </pre>
 *
 * An operand stands alone only when it is {@code true} or {@code false}. Every parenthesis and
 * every NOT opens a level; the depth is checked before the parser recurses, so no input can make
 * it run out of stack.
 */
final class Parser {

    /** How much a filter may hold. */
    record Limits(int maxLength, int maxDepth) {
    }

    private static final Set<String> KEYWORDS = Set.of("AND", "OR", "NOT", "IN", "TRUE", "FALSE", "NULL");

    private final List<Token> tokens;
    private final Limits limits;
    private final boolean keyOnly;
    private int at;

    private Parser(List<Token> tokens, Limits limits, boolean keyOnly) {
        this.tokens = tokens;
        this.limits = limits;
        this.keyOnly = keyOnly;
    }

    /** Parses a whole filter; {@code keyOnly} refuses every attribute but {@code key}. */
    static Node parse(String text, Limits limits, boolean keyOnly) {
        if (text.length() > limits.maxLength()) {
            throw new FilterException("expected at most " + limits.maxLength() + " characters, got " + text.length(),
                    limits.maxLength() + 1);
        }
        Parser parser = new Parser(Lexer.tokens(text), limits, keyOnly);
        if (parser.peek().kind() == Kind.END) {
            throw new FilterException("expected an expression such as type = 'SensorChange', or true, got an empty filter", 1);
        }
        Node root = parser.or(0);
        Token end = parser.peek();
        if (end.kind() != Kind.END) {
            throw new FilterException("expected AND, OR or the end of the filter, got " + end.describe(), end.position());
        }
        return root;
    }

    private Node or(int depth) {
        List<Node> parts = new ArrayList<>();
        add(parts, and(depth), Logic.Or.class);
        while (peek().isWord("OR")) {
            at++;
            add(parts, and(depth), Logic.Or.class);
        }
        return parts.size() == 1 ? parts.get(0) : new Logic.Or(parts);
    }

    private Node and(int depth) {
        List<Node> parts = new ArrayList<>();
        add(parts, unary(depth), Logic.And.class);
        while (peek().isWord("AND")) {
            at++;
            add(parts, unary(depth), Logic.And.class);
        }
        return parts.size() == 1 ? parts.get(0) : new Logic.And(parts);
    }

    /** {@code a AND (b AND c)} is one chain of three: the tree stays as shallow as the meaning. */
    private static void add(List<Node> parts, Node part, Class<? extends Node> chain) {
        if (part instanceof Logic.And and && chain == Logic.And.class) {
            parts.addAll(and.children());
        } else if (part instanceof Logic.Or or && chain == Logic.Or.class) {
            parts.addAll(or.children());
        } else {
            parts.add(part);
        }
    }

    private Node unary(int depth) {
        int nots = 0;
        while (peek().isWord("NOT")) {
            depth = deeper(depth, peek());
            at++;
            nots++;
        }
        Node node = primary(depth);
        for (int i = 0; i < nots; i++) {
            node = new Logic.Not(node);
        }
        return node;
    }

    private int deeper(int depth, Token where) {
        if (depth + 1 > limits.maxDepth()) {
            throw new FilterException("expected at most " + limits.maxDepth() + " levels of nesting (each parenthesis and NOT is one)",
                    where.position());
        }
        return depth + 1;
    }

    private Node primary(int depth) {
        Token t = peek();
        if (t.kind() == Kind.LPAREN) {
            int inner = deeper(depth, t);
            at++;
            Node node = or(inner);
            Token close = peek();
            if (close.kind() != Kind.RPAREN) {
                throw new FilterException("expected ')' to close the '(' at position " + t.position() + ", got " + close.describe(),
                        close.position());
            }
            at++;
            return node;
        }
        if (t.kind() == Kind.WORD && peekAt(1).kind() == Kind.LPAREN && !isKeyword(t.text())) {
            Optional<Function.Name> name = Function.Name.of(t.text());
            if (name.isEmpty()) {
                throw new FilterException("expected a function (" + Function.Name.names() + "), got " + t.text(), t.position());
            }
            at++;
            return function(name.get(), t);
        }
        if (t.kind() == Kind.WORD || t.kind() == Kind.STRING || t.kind() == Kind.NUMBER) {
            if (t.kind() == Kind.WORD && Function.Name.of(t.text()).isPresent()) {
                throw new FilterException("expected '(' after " + t.text().toUpperCase(java.util.Locale.ROOT) + ", got "
                        + peekAt(1).describe(), peekAt(1).position());
            }
            return predicate(operand("an expression"));
        }
        throw new FilterException("expected an expression (a comparison such as subject = 'Sensor', a function, NOT, '(', true or false), got "
                + t.describe(), t.position());
    }

    private Node predicate(Operand left) {
        Token t = peek();
        if (t.kind() == Kind.OPERATOR) {
            at++;
            return new Comparison(left, Comparison.Op.of(t.text()), operand("a value to compare with"));
        }
        if (t.isWord("IN")) {
            at++;
            return new InList(left, list());
        }
        if (t.isWord("NOT") && peekAt(1).isWord("IN")) {
            at += 2;
            return new Logic.Not(new InList(left, list()));
        }
        if (left instanceof Literal literal && literal.value() instanceof Boolean b) {
            return new Logic.Constant(b);
        }
        StringBuilder what = new StringBuilder();
        left.render(what);
        throw new FilterException("expected a comparison (=, !=, <, <=, >, >=) or IN after " + what + ", got " + t.describe(),
                t.position());
    }

    private Node function(Function.Name name, Token nameToken) {
        at++;   // the '(' checked by the caller
        if (name == Function.Name.IS_DEFINED) {
            Token t = next();
            if (t.kind() != Kind.WORD || isKeyword(t.text())) {
                throw new FilterException("expected an attribute as the argument of IS_DEFINED, got " + t.describe(), t.position());
            }
            AttributeRef attribute = attribute(t);
            close(name);
            return new Function.IsDefined(attribute);
        }
        Operand subject = operand("a value as the first argument of " + name);
        Token comma = next();
        if (comma.kind() != Kind.COMMA) {
            throw new FilterException("expected ',' and the string " + name + " looks for, got " + comma.describe(), comma.position());
        }
        Token s = next();
        if (s.kind() != Kind.STRING) {
            throw new FilterException("expected a 'string' as the second argument of " + name + ", got " + s.describe(), s.position());
        }
        close(name);
        return new Function.StringTest(Function.StringName.valueOf(name.name()), subject, s.text());
    }

    private void close(Function.Name name) {
        Token t = next();
        if (t.kind() != Kind.RPAREN) {
            throw new FilterException("expected ')' after the argument" + (name == Function.Name.IS_DEFINED ? "" : "s") + " of " + name
                    + ", got " + t.describe(), t.position());
        }
    }

    /** An attribute or a literal. */
    private Operand operand(String expected) {
        Token t = next();
        switch (t.kind()) {
            case STRING -> {
                return Literal.string(t.text());
            }
            case NUMBER -> {
                return new Literal(Json.number(t.number()), t.text());
            }
            case WORD -> {
                Optional<Literal> keyword = keywordLiteral(t);
                if (keyword.isPresent()) {
                    return keyword.get();
                }
                if (isKeyword(t.text())) {
                    throw new FilterException("expected " + expected + ", got " + t.text().toUpperCase(java.util.Locale.ROOT), t.position());
                }
                return attribute(t);
            }
            default -> throw new FilterException("expected " + expected + " (an attribute, a 'string', a number, true, false or null), got "
                    + t.describe(), t.position());
        }
    }

    private static Optional<Literal> keywordLiteral(Token t) {
        if (t.isWord("TRUE")) {
            return Optional.of(Literal.TRUE);
        }
        if (t.isWord("FALSE")) {
            return Optional.of(Literal.FALSE);
        }
        if (t.isWord("NULL")) {
            return Optional.of(Literal.NULL);
        }
        return Optional.empty();
    }

    private AttributeRef attribute(Token word) {
        Attribute attribute = Attribute.named(word.text()).orElseThrow(() -> new FilterException("expected an attribute ("
                + Attribute.names() + "), got " + word.text() + Attribute.namedIgnoringCase(word.text())
                .map(a -> " (names are case-sensitive: " + (a.filterName().equalsIgnoreCase(word.text()) ? a.filterName() : a.eventGridName()) + ")")
                .orElse(""), word.position()));
        if (keyOnly && attribute != Attribute.KEY) {
            throw new FilterException("expected key, the only attribute of raw telemetry (a DeviceMessage endpoint's filter may use "
                    + "the record key only: raw telemetry is never parsed), got " + word.text(), word.position());
        }
        List<String> path = new ArrayList<>();
        while (peek().kind() == Kind.DOT || peek().kind() == Kind.LBRACKET) {
            Token step = next();
            if (attribute != Attribute.BODY) {
                throw new FilterException("expected a comparison or IN after " + word.text() + ", got " + step.describe()
                        + " (only $body and data have a path)", step.position());
            }
            Token name = next();
            if (step.kind() == Kind.DOT) {
                if (name.kind() != Kind.WORD) {
                    throw new FilterException("expected a name after '.', got " + name.describe()
                            + " (a name with other characters is written ['like-this'])", name.position());
                }
                path.add(name.text());
            } else {
                if (name.kind() != Kind.STRING) {
                    throw new FilterException("expected a quoted name after '[', like ['ms-client-request-id'], got " + name.describe(),
                            name.position());
                }
                Token close = next();
                if (close.kind() != Kind.RBRACKET) {
                    throw new FilterException("expected ']' after the name, got " + close.describe(), close.position());
                }
                path.add(name.text());
            }
        }
        return new AttributeRef(attribute, path, word.position(), -1);
    }

    private List<Literal> list() {
        Token open = next();
        if (open.kind() != Kind.LPAREN) {
            throw new FilterException("expected '(' and a list of values after IN, got " + open.describe(), open.position());
        }
        List<Literal> values = new ArrayList<>();
        while (true) {
            Token t = next();
            Optional<Literal> literal = switch (t.kind()) {
                case STRING -> Optional.of(Literal.string(t.text()));
                case NUMBER -> Optional.of(new Literal(Json.number(t.number()), t.text()));
                case WORD -> keywordLiteral(t);
                default -> Optional.empty();
            };
            if (literal.isEmpty()) {
                throw new FilterException("expected a value ('string', number, true, false or null) in the IN list, got " + t.describe(),
                        t.position());
            }
            values.add(literal.get());
            Token sep = next();
            if (sep.kind() == Kind.RPAREN) {
                return values;
            }
            if (sep.kind() != Kind.COMMA) {
                throw new FilterException("expected ',' or ')' in the IN list, got " + sep.describe(), sep.position());
            }
        }
    }

    private static boolean isKeyword(String word) {
        return KEYWORDS.contains(word.toUpperCase(java.util.Locale.ROOT));
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token peekAt(int ahead) {
        return tokens.get(Math.min(at + ahead, tokens.size() - 1));
    }

    /** The next token; at the end it stays at END. */
    private Token next() {
        Token t = tokens.get(at);
        if (t.kind() != Kind.END) {
            at++;
        }
        return t;
    }
}
