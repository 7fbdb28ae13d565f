package io.twinegress.emulators.auth;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Shared access signatures as Azure issues them, made and checked.
 *
 * <p><b>Service Bus / Event Hubs</b> ({@code SharedAccessSignature sr=..&sig=..&se=..&skn=..}):
 * signature = base64(HMAC-SHA256(UTF-8 bytes of the key string, sr exactly as sent (URL-encoded)
 * + "\n" + se)). Valid when the key name is known, one of its keys verifies the signature, the
 * expiry (epoch seconds) is in the future, and, when an audience is given, the signed resource
 * is a prefix of it (scheme, port, case and trailing slashes ignored).
 *
 * <p><b>Event Grid</b> ({@code r=..&e=..&s=..}, header {@code aeg-sas-token}): signature =
 * base64(HMAC-SHA256(base64-decoded topic key, "r=" + r + "&e=" + e as sent)); the expiry is
 * {@code M/d/yyyy h:m:s a} in UTC, as the Event Grid SDK writes it.
 *
 * <p>Reasons never contain a key or a signature.
 */
public final class SharedAccessSignatures {

    private static final String SB_PREFIX = "SharedAccessSignature ";
    private static final String NO_TOKEN = "InvalidToken: no token was presented.";
    private static final String BAD_SIGNATURE = "InvalidSignature: the token has an invalid signature.";
    private static final String NOT_BASE64 = "InvalidSignature: the signature is not base64.";
    private static final DateTimeFormatter EG_EXPIRY =
            DateTimeFormatter.ofPattern("M/d/yyyy h:m:s a", Locale.US);

    private SharedAccessSignatures() {
    }

    /** Makes a Service Bus / Event Hubs token, as the SDK's shared-key credential does. */
    public static String serviceBusToken(String resource, String keyName, String key, Instant expiry) {
        String sr = urlEncode(resource);
        String se = Long.toString(expiry.getEpochSecond());
        String sig = base64(hmac(serviceBusKeyBytes(key), sr + "\n" + se));
        return SB_PREFIX + "sr=" + sr + "&sig=" + urlEncode(sig) + "&se=" + se + "&skn=" + urlEncode(keyName);
    }

    /**
     * Checks a Service Bus / Event Hubs token against {@code keys}.
     *
     * @param audience the resource the token is presented for (e.g. {@code amqp://host/topic});
     *                 null to skip the audience check
     */
    public static SasValidation validateServiceBusToken(String token, String audience, AcceptedKeys keys, Instant now) {
        if (token == null || token.isBlank()) {
            return SasValidation.refused(null, null, NO_TOKEN);
        }
        Map<String, String> raw = fieldsOf(token);
        String srRaw = raw.get("sr");
        String sig = raw.get("sig");
        String se = raw.get("se");
        String skn = raw.get("skn") == null ? null : urlDecode(raw.get("skn"));
        if (srRaw == null || sig == null || se == null || skn == null) {
            return SasValidation.refused(skn, null,
                    "InvalidToken: the shared access signature must carry sr, sig, se and skn.");
        }
        String resource = urlDecode(srRaw);
        long expiry;
        try {
            expiry = Long.parseLong(se);
        } catch (NumberFormatException e) {
            return SasValidation.refused(skn, resource, "InvalidToken: se is not a number of seconds.");
        }
        byte[] presented = signatureBytes(sig);
        if (presented == null) {
            return SasValidation.refused(skn, resource, NOT_BASE64);
        }
        String matchedKey = keyThatSigned(keys.keys(skn), SharedAccessSignatures::serviceBusKeyBytes,
                srRaw + "\n" + se, presented);
        if (matchedKey == null) {
            return SasValidation.refused(skn, resource, keys.keys(skn).isEmpty()
                    ? "InvalidSignature: unknown shared access key name '" + skn + "'."
                    : BAD_SIGNATURE);
        }
        if (expiry <= now.getEpochSecond()) {
            return SasValidation.refused(skn, resource,
                    "ExpiredToken: the token expired at " + Instant.ofEpochSecond(expiry) + ".");
        }
        if (audience != null && !covers(resource, audience)) {
            return SasValidation.refused(skn, resource, wrongAudience(resource, audience));
        }
        return SasValidation.ok(skn, matchedKey, resource);
    }

    /** Makes an Event Grid {@code aeg-sas-token}, as the Event Grid SDK's {@code generateSas} does. */
    public static String eventGridToken(String resource, String key, Instant expiry) {
        String r = urlEncode(resource);
        String e = urlEncode(EG_EXPIRY.format(LocalDateTime.ofInstant(expiry, ZoneOffset.UTC)));
        String unsigned = "r=" + r + "&e=" + e;
        String s = base64(hmac(eventGridKeyBytes(key), unsigned));
        return unsigned + "&s=" + urlEncode(s);
    }

    /**
     * Checks an Event Grid {@code aeg-sas-token} against the valid topic keys.
     *
     * @param validKeys the topic's currently valid keys
     * @param audience  the topic URL the request was sent to, or null to skip the check
     */
    public static SasValidation validateEventGridToken(String token, Iterable<String> validKeys, String audience,
                                                       Instant now) {
        if (token == null || token.isBlank()) {
            return SasValidation.refused(null, null, NO_TOKEN);
        }
        Map<String, String> raw = fieldsOf(token);
        String r = raw.get("r");
        String e = raw.get("e");
        String s = raw.get("s");
        if (r == null || e == null || s == null) {
            return SasValidation.refused(null, null, "InvalidToken: the token must carry r, e and s.");
        }
        String resource = urlDecode(r);
        byte[] presented = signatureBytes(s);
        if (presented == null) {
            return SasValidation.refused(null, resource, NOT_BASE64);
        }
        String matched = keyThatSigned(validKeys, SharedAccessSignatures::eventGridKeyBytes, "r=" + r + "&e=" + e,
                presented);
        if (matched == null) {
            return SasValidation.refused(null, resource, BAD_SIGNATURE);
        }
        Instant expiry = parseEventGridExpiry(urlDecode(e));
        if (expiry == null) {
            return SasValidation.refused(null, resource, "InvalidToken: unreadable expiry '" + urlDecode(e) + "'.");
        }
        if (!expiry.isAfter(now)) {
            return SasValidation.refused(null, resource, "ExpiredToken: the token expired at " + expiry + ".");
        }
        if (audience != null && !covers(resource, audience)) {
            return SasValidation.refused(null, resource, wrongAudience(resource, audience));
        }
        return SasValidation.ok(null, matched, resource);
    }

    /**
     * Whether a token for {@code resource} grants {@code audience}: the resource, stripped of
     * scheme and port, compared case-insensitively, is a path prefix of the audience.
     */
    public static boolean covers(String resource, String audience) {
        String res = normalize(resource);
        String aud = normalize(audience);
        return aud.equals(res) || res.isEmpty() || aud.startsWith(res + "/");
    }

    /**
     * The entity path an audience names ({@code amqp://host/topic/x} → {@code topic/x}),
     * lower-cased; empty for the namespace itself.
     */
    public static String pathOf(String audienceOrResource) {
        String n = normalize(audienceOrResource);
        int slash = n.indexOf('/');
        return slash < 0 ? "" : n.substring(slash + 1);
    }

    static String normalize(String uri) {
        String s = uri == null ? "" : uri.trim().toLowerCase(Locale.ROOT);
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            s = s.substring(scheme + 3);
        }
        int q = s.indexOf('?');
        if (q >= 0) {
            s = s.substring(0, q);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        int slash = s.indexOf('/');
        String host = slash < 0 ? s : s.substring(0, slash);
        String path = slash < 0 ? "" : s.substring(slash);
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && host.indexOf(']') < colon) {
            host = host.substring(0, colon);
        }
        return host + path;
    }

    private static Instant parseEventGridExpiry(String text) {
        try {
            return LocalDateTime.parse(text, EG_EXPIRY).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // fall through: also accept ISO-8601 and epoch seconds
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException ignored) {
            // fall through
        }
        try {
            return Instant.ofEpochSecond(Long.parseLong(text));
        } catch (NumberFormatException ignored) {
            return null;
        }
    }

    /** Service Bus and Event Hubs sign with the key string's UTF-8 bytes. */
    private static byte[] serviceBusKeyBytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /** Event Grid signs with the base64-decoded topic key (the raw bytes, should a key not be base64). */
    private static byte[] eventGridKeyBytes(String key) {
        try {
            return Base64.getDecoder().decode(key);
        } catch (IllegalArgumentException notBase64) {
            return key.getBytes(StandardCharsets.UTF_8);
        }
    }

    private static Map<String, String> parsePairs(String body) {
        Map<String, String> pairs = new HashMap<>();
        for (String part : body.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                pairs.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1).trim());
            }
        }
        return pairs;
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** A token's fields, names lower-cased, values as sent; a leading {@code SharedAccessSignature } is skipped. */
    private static Map<String, String> fieldsOf(String token) {
        String body = token.trim();
        if (body.regionMatches(true, 0, SB_PREFIX, 0, SB_PREFIX.length())) {
            body = body.substring(SB_PREFIX.length()).trim();
        }
        return parsePairs(body);
    }

    /** The presented signature (URL-encoded base64) as bytes; null when it is not base64. */
    private static byte[] signatureBytes(String sig) {
        try {
            return Base64.getDecoder().decode(urlDecode(sig));
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    /** The first of {@code keys} whose HMAC of {@code signed} is {@code presented} (compared in constant time). */
    private static String keyThatSigned(Iterable<String> keys, Function<String, byte[]> keyBytes, String signed,
                                        byte[] presented) {
        for (String key : keys) {
            if (MessageDigest.isEqual(hmac(keyBytes.apply(key), signed), presented)) {
                return key;
            }
        }
        return null;
    }

    private static String wrongAudience(String resource, String audience) {
        return "InvalidAudience: the token's resource '" + resource + "' does not grant access to '" + audience + "'.";
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String urlEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String urlDecode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
