package io.twinegress.schemas.filter;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One level of the tree of {@code $body} paths a plan reads: while the event parser streams
 * {@code data}, a name found here is read (or descended into), every other one is skipped
 * without making a String of it. Immutable once built.
 */
final class PathNode {

    private final Map<String, PathNode> children = new HashMap<>();
    /** The slot of the path ending here, -1 when only longer paths go through. */
    private int slot = -1;
    /** Every slot at or below this node, cleared when a name repeats (the last occurrence wins, as in a JSON tree). */
    private int[] subtree = new int[0];

    /** A tree holding these paths (each with its slot). */
    static PathNode of(Map<List<String>, Integer> paths) {
        PathNode root = new PathNode();
        paths.forEach((path, slot) -> {
            PathNode node = root;
            for (String name : path) {
                node = node.children.computeIfAbsent(name, n -> new PathNode());
            }
            node.slot = slot;
        });
        root.seal();
        return root;
    }

    private List<Integer> seal() {
        List<Integer> all = new ArrayList<>();
        if (slot >= 0) {
            all.add(slot);
        }
        children.values().forEach(c -> all.addAll(c.seal()));
        subtree = all.stream().mapToInt(Integer::intValue).toArray();
        return all;
    }

    /** Reads {@code data}: the parser's current token is its START_OBJECT; on return, its END_OBJECT. */
    void readRoot(JsonParser parser, EventValues out) throws IOException {
        read(parser, JsonToken.START_OBJECT, out);
    }

    private void read(JsonParser parser, JsonToken token, EventValues out) throws IOException {
        if (token == JsonToken.START_OBJECT) {
            if (slot >= 0) {
                out.set(slot, Json.OTHER);
            }
            if (children.isEmpty()) {
                parser.skipChildren();
                return;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                PathNode child = children.get(parser.currentName());
                JsonToken value = parser.nextToken();
                if (child == null) {
                    parser.skipChildren();
                } else {
                    for (int s : child.subtree) {
                        out.set(s, null);
                    }
                    child.read(parser, value, out);
                }
            }
        } else if (token == JsonToken.START_ARRAY) {
            // No path goes through an array: only a path ending here reads it.
            if (slot >= 0) {
                out.set(slot, array(parser));
            } else {
                parser.skipChildren();
            }
        } else if (slot >= 0) {
            out.set(slot, scalar(parser, token));
        }
    }

    /** The elements of an array; an object or array inside it is {@link Json#OTHER}. */
    private static Object[] array(JsonParser parser) throws IOException {
        List<Object> elements = new ArrayList<>();
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY && t != null) {
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                parser.skipChildren();
                elements.add(Json.OTHER);
            } else {
                elements.add(scalar(parser, t));
            }
        }
        return elements.toArray();
    }

    private static Object scalar(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(parser, token);
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> Json.NULL;
            default -> Json.OTHER;
        };
    }

    /**
     * A number the parser has already tokenized; one it cannot convert (an exponent beyond what a
     * BigDecimal holds) is present but compares with nothing: a filter never makes an event invalid.
     */
    private static Object number(JsonParser parser, JsonToken token) {
        try {
            if (token == JsonToken.VALUE_NUMBER_INT) {
                JsonParser.NumberType type = parser.getNumberType();
                if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
                    return parser.getLongValue();
                }
                return Json.number(new BigDecimal(parser.getBigIntegerValue()));
            }
            return Json.number(parser.getDecimalValue());
        } catch (IOException | RuntimeException e) {
            return Json.OTHER;
        }
    }
}
