package io.twinegress.schemas.filter;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Splits a filter into tokens, each with its 1-based position; the last one is always {@link Kind#END}. */
final class Lexer {

    enum Kind { WORD, STRING, NUMBER, LPAREN, RPAREN, COMMA, DOT, LBRACKET, RBRACKET, OPERATOR, END }

    /**
     * One token.
     *
     * @param text   the word, the operator, the string's value (quotes removed, {@code ''} undone) or the number as written
     * @param number the value of a {@link Kind#NUMBER}
     */
    record Token(Kind kind, String text, BigDecimal number, int position) {

        /** How an error message names this token. */
        String describe() {
            return switch (kind) {
                case END -> "the end of the filter";
                case STRING -> "the string " + Literal.quote(text);
                case NUMBER -> "the number " + text;
                case WORD -> text;
                default -> "'" + text + "'";
            };
        }

        boolean isWord(String keyword) {
            return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
        }
    }

    private final String text;
    private int i;

    private Lexer(String text) {
        this.text = text;
    }

    static List<Token> tokens(String text) {
        return new Lexer(text).all();
    }

    private List<Token> all() {
        List<Token> tokens = new ArrayList<>();
        while (true) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= text.length()) {
                tokens.add(new Token(Kind.END, "", null, text.length() + 1));
                return tokens;
            }
            tokens.add(next());
        }
    }

    private Token next() {
        int start = i;
        char c = text.charAt(i);
        switch (c) {
            case '(' -> {
                return single(Kind.LPAREN, start);
            }
            case ')' -> {
                return single(Kind.RPAREN, start);
            }
            case ',' -> {
                return single(Kind.COMMA, start);
            }
            case '.' -> {
                return single(Kind.DOT, start);
            }
            case '[' -> {
                return single(Kind.LBRACKET, start);
            }
            case ']' -> {
                return single(Kind.RBRACKET, start);
            }
            case '=' -> {
                return single(Kind.OPERATOR, start);
            }
            case '<', '>' -> {
                i++;
                if (i < text.length() && text.charAt(i) == '=') {
                    i++;
                }
                return new Token(Kind.OPERATOR, text.substring(start, i), null, start + 1);
            }
            case '!' -> {
                if (i + 1 < text.length() && text.charAt(i + 1) == '=') {
                    i += 2;
                    return new Token(Kind.OPERATOR, "!=", null, start + 1);
                }
                throw new FilterException("expected '!=', got '!'", start + 1);
            }
            case '\'' -> {
                return string(start);
            }
            case '"' -> throw new FilterException("expected a value, got '\"' (strings are in single quotes: 'text')", start + 1);
            default -> {
                if (c == '-' || isDigit(c)) {
                    return number(start);
                }
                if (isWordStart(c)) {
                    while (i < text.length() && isWordPart(text.charAt(i))) {
                        i++;
                    }
                    return new Token(Kind.WORD, text.substring(start, i), null, start + 1);
                }
                throw new FilterException("expected an attribute, a value, an operator or a parenthesis, got "
                        + describeChar(c) + " (a name with other characters is written ['like-this'])", start + 1);
            }
        }
    }

    private Token single(Kind kind, int start) {
        i++;
        return new Token(kind, String.valueOf(text.charAt(start)), null, start + 1);
    }

    /** A single-quoted string; {@code ''} inside is one quote. */
    private Token string(int start) {
        StringBuilder value = new StringBuilder();
        i++;
        while (true) {
            if (i >= text.length()) {
                throw new FilterException("expected the closing quote of the string that starts here", start + 1);
            }
            char c = text.charAt(i++);
            if (c == '\'') {
                if (i < text.length() && text.charAt(i) == '\'') {
                    value.append('\'');
                    i++;
                } else {
                    return new Token(Kind.STRING, value.toString(), null, start + 1);
                }
            } else {
                value.append(c);
            }
        }
    }

    /** {@code -?[0-9]+(\.[0-9]+)?}: integers and decimals, no exponent. */
    private Token number(int start) {
        if (text.charAt(i) == '-') {
            i++;
        }
        int digits = i;
        while (i < text.length() && isDigit(text.charAt(i))) {
            i++;
        }
        if (i == digits) {
            throw new FilterException("expected a digit after '-' (a name with other characters is written ['like-this'])", i + 1);
        }
        if (i < text.length() && text.charAt(i) == '.') {
            i++;
            int fraction = i;
            while (i < text.length() && isDigit(text.charAt(i))) {
                i++;
            }
            if (i == fraction) {
                throw new FilterException("expected a digit after the decimal point", i + 1);
            }
        }
        if (i < text.length() && isWordPart(text.charAt(i))) {
            throw new FilterException("expected a number (digits, an optional '.' and more digits), got "
                    + describeChar(text.charAt(i)) + " in it", i + 1);
        }
        String written = text.substring(start, i);
        return new Token(Kind.NUMBER, written, new BigDecimal(written), start + 1);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_' || c == '$';
    }

    static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private static String describeChar(char c) {
        return Character.isISOControl(c) || Character.isWhitespace(c)
                ? String.format("the character U+%04X", (int) c) : "'" + c + "'";
    }
}
