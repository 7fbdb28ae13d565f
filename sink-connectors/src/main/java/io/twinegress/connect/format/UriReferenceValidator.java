package io.twinegress.connect.format;

import java.net.URI;
import java.net.URISyntaxException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** A non-empty URI-reference (RFC 3986), what a CloudEvents {@code source} must be. */
final class UriReferenceValidator implements ConfigDef.Validator {

    @Override
    public void ensureValid(String name, Object value) {
        String v = value == null ? "" : value.toString().trim();
        if (v.isEmpty()) {
            throw new ConfigException(name, value, name + " must not be empty: a CloudEvent needs a source.");
        }
        try {
            new URI(v);
        } catch (URISyntaxException e) {
            throw new ConfigException(name, value, name + " is not a URI-reference (" + e.getReason() + ").");
        }
    }

    @Override
    public String toString() {
        return "a URI-reference, e.g. /twin-egress/my-endpoint or urn:twin-egress:my-endpoint";
    }
}
