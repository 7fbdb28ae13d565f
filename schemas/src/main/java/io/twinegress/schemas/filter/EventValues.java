package io.twinegress.schemas.filter;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The values one event offers the filters of a {@link FilterPlan}: filled by the event parser in
 * its single pass (only what the plan asks for), plus the record key, decoded only when a filter
 * reads it. One per event; not thread-safe.
 */
public final class EventValues {

    static final int KEY_SLOT = Attribute.KEY.ordinal();
    /** The first slot of a {@code $body} path; the slots before are the other attributes, by ordinal. */
    static final int FIRST_BODY_SLOT = Attribute.values().length;

    private final Object[] slots;
    private byte[] key;
    private boolean keyDecoded;

    EventValues(int size) {
        this.slots = new Object[size];
    }

    /** The record key (null when the record has none); decoded as UTF-8 only if a filter reads it. */
    public void key(byte[] key) {
        this.key = key;
        this.keyDecoded = false;
        this.slots[KEY_SLOT] = null;
    }

    /** An envelope attribute's value: its text, or null for a JSON null. An attribute never set is missing. */
    public void envelope(Attribute attribute, String text) {
        if (!attribute.isEnvelope()) {
            throw new IllegalArgumentException(attribute + " is not an envelope attribute");
        }
        slots[attribute.ordinal()] = text == null ? Json.NULL : text;
    }

    Object get(int slot) {
        if (slot == KEY_SLOT && !keyDecoded) {
            slots[KEY_SLOT] = decode(key);
            keyDecoded = true;
        }
        return slots[slot];
    }

    void set(int slot, Object value) {
        slots[slot] = value;
    }

    /** Strict UTF-8: a key that is not valid UTF-8 (or no key) is missing, never a string of replacement characters. */
    private static String decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
