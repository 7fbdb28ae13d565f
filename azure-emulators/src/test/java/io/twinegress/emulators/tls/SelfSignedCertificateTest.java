package io.twinegress.emulators.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-encoded certificate is what the JDK parses, verifies and trusts for the loopback names. */
class SelfSignedCertificateTest {

    @Test
    void theCertificateNamesTheLoopbackHostsAndServesServerAuthOnly() throws Exception {
        X509Certificate c = SelfSignedCertificate.generate("t", List.of("ns.servicebus.windows.net"),
                Duration.ofDays(1)).certificate();
        c.checkValidity();
        assertEquals(3, c.getVersion());
        assertEquals("SHA256withRSA", c.getSigAlgName());
        Set<String> names = c.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1)))
                .collect(Collectors.toSet());
        assertTrue(names.containsAll(Set.of("localhost", "ns.servicebus.windows.net", "127.0.0.1")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("0:0:0:0:0:0:0:1")), names.toString());
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), c.getExtendedKeyUsage());
        assertEquals(-1, c.getBasicConstraints(), "not a CA");
        assertTrue(c.getKeyUsage()[0] && c.getKeyUsage()[2], "digitalSignature and keyEncipherment");
    }

    @Test
    void theTrustStoreFileHoldsTheCertificate(@TempDir Path dir) throws Exception {
        StandInTls tls = StandInTls.generate(dir, List.of());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(tls.truststoreFile())) {
            ks.load(in, StandInTls.TRUSTSTORE_PASSWORD.toCharArray());
        }
        assertEquals(tls.certificate(), ks.getCertificate(ks.aliases().nextElement()));
        assertTrue(Files.readString(tls.caPemFile()).startsWith("-----BEGIN CERTIFICATE-----"));
    }
}
