package io.twinegress.schemas.filter;

import java.math.BigDecimal;

/**
 * The values a filter compares, and how. A value is one of: a {@link String}; a number, as a
 * {@link Long} when it is an integer that fits, else a {@link BigDecimal}; a {@link Boolean};
 * {@link #NULL} (JSON null); {@link #OTHER} (an object, or an array inside an array: present but
 * equal to nothing); an {@code Object[]} (an array, of any of the others); or Java {@code null}
 * for a missing field.
 *
 * <p>Rules: numbers compare numerically, strings ordinally (case-sensitive, by UTF-16 code
 * unit, like {@link String#compareTo}); two values of different JSON types are never equal nor
 * ordered; a missing value makes every comparison false; when a value is an array, a comparison
 * is true when it is true for any element. Nothing here throws.
 */
final class Json {

    /** JSON null. */
    static final Object NULL = new Marker("null");
    /** An object, or an array nested in an array: defined, but never equal to or ordered with anything. */
    static final Object OTHER = new Marker("object");

    private record Marker(String name) {
        @Override
        public String toString() {
            return name;
        }
    }

    private Json() {
    }

    static boolean equal(Object a, Object b) {
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof Object[] elements) {
            for (Object e : elements) {
                if (equal(e, b)) {
                    return true;
                }
            }
            return false;
        }
        if (b instanceof Object[] elements) {
            for (Object e : elements) {
                if (equal(a, e)) {
                    return true;
                }
            }
            return false;
        }
        if (a instanceof String s) {
            return b instanceof String t && s.equals(t);
        }
        if (isNumber(a)) {
            return isNumber(b) && compareNumbers(a, b) == 0;
        }
        if (a instanceof Boolean x) {
            return b instanceof Boolean y && x.booleanValue() == y.booleanValue();
        }
        return a == NULL && b == NULL;
    }

    /**
     * True when {@code a op b} holds for {@code <, <=, >, >=}: both numbers or both strings (or an
     * element of an array that is). Different types, or a missing value, are never ordered.
     */
    static boolean ordered(Object a, Object b, Comparison.Op op) {
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof Object[] elements) {
            for (Object e : elements) {
                if (ordered(e, b, op)) {
                    return true;
                }
            }
            return false;
        }
        if (b instanceof Object[] elements) {
            for (Object e : elements) {
                if (ordered(a, e, op)) {
                    return true;
                }
            }
            return false;
        }
        int c;
        if (a instanceof String s && b instanceof String t) {
            c = s.compareTo(t);
        } else if (isNumber(a) && isNumber(b)) {
            c = compareNumbers(a, b);
        } else {
            return false;
        }
        return switch (op) {
            case LT -> c < 0;
            case LE -> c <= 0;
            case GT -> c > 0;
            case GE -> c >= 0;
            // Comparison decides = and != with equal(); answered here too, so nothing on the evaluation path throws.
            case EQ -> c == 0;
            case NE -> c != 0;
        };
    }

    private static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof BigDecimal;
    }

    private static int compareNumbers(Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        return decimal(a).compareTo(decimal(b));
    }

    private static BigDecimal decimal(Object v) {
        return v instanceof Long l ? BigDecimal.valueOf(l) : (BigDecimal) v;
    }

    /** A number as the value model keeps it: a Long when it is an integer that fits. */
    static Object number(BigDecimal value) {
        if (value.scale() <= 0 || value.stripTrailingZeros().scale() <= 0) {
            try {
                return value.longValueExact();
            } catch (ArithmeticException tooBig) {
                return value;
            }
        }
        return value;
    }
}
