package io.twinegress.connect.core;

/** Byte-level helpers for cutting a member out of a JSON object without re-encoding the rest. */
public final class JsonBytes {

    private JsonBytes() {
    }

    /**
     * Where the value before {@code next} (the start of the next member's name, or of the closing
     * brace) ends: back over whitespace, at most one comma, and whitespace again.
     */
    public static int valueEnd(byte[] body, int next) {
        int i = next;
        while (i > 0 && isWhitespace(body[i - 1])) {
            i--;
        }
        if (i > 0 && body[i - 1] == ',') {
            i--;
            while (i > 0 && isWhitespace(body[i - 1])) {
                i--;
            }
        }
        return i;
    }

    /** JSON's insignificant whitespace. */
    public static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
