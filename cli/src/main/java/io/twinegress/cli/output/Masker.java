package io.twinegress.cli.output;

import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The last line of defence: every line the CLI prints goes through {@link #mask}. It replaces
 * each secret the process has seen ({@link Secret#of} registers them) and anything shaped like a
 * key ({@code SharedAccessKey=...}, {@code sig=...}) with {@code ****}.
 */
public final class Masker {

    public static final String MASK = "****";

    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final Pattern KEY_SHAPED = Pattern.compile("(?i)(SharedAccessKey=|SharedAccessSignature=|sig=|aeg-sas-key[:=]\\s*)[^;\\s\"&,]+");
    /** Shorter strings would mask ordinary words; a real key or connection string is far longer. */
    private static final int MIN_LENGTH = 6;

    private Masker() {
    }

    static void register(String secret) {
        if (secret != null && secret.length() >= MIN_LENGTH) {
            SECRETS.add(secret);
            // A connection string's key part alone is a secret too.
            var m = Pattern.compile("SharedAccessKey=([^;]+)").matcher(secret);
            while (m.find()) {
                if (m.group(1).length() >= MIN_LENGTH) {
                    SECRETS.add(m.group(1));
                }
            }
        }
    }

    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : SECRETS.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            out = out.replace(s, MASK);
        }
        return KEY_SHAPED.matcher(out).replaceAll("$1" + MASK);
    }
}
