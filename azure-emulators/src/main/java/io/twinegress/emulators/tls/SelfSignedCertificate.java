package io.twinegress.emulators.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Makes a self-signed X.509 v3 server certificate with the JDK's public APIs only (key generation,
 * SHA256withRSA, {@link CertificateFactory}), its structure encoded by {@link Der}: no internal
 * {@code sun.security} classes, no extra library. The certificate names the loopback host names and
 * addresses in its subject alternative names, so clients that verify host names (every Azure SDK does)
 * accept it for {@code 127.0.0.1}, {@code ::1} and {@code localhost}; it allows server authentication
 * only. Trusted directly (it is its own issuer), it needs no CA.
 */
public final class SelfSignedCertificate {

    private static final String SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String EXT_KEY_USAGE = "2.5.29.37";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    private final KeyPair keyPair;
    private final X509Certificate certificate;

    private SelfSignedCertificate(KeyPair keyPair, X509Certificate certificate) {
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    /**
     * A new RSA 2048 key pair and a certificate for it, valid from an hour ago for {@code validity}.
     *
     * @param commonName the subject and issuer common name
     * @param dnsNames   DNS names besides {@code localhost} the certificate is valid for (e.g. a
     *                   namespace host name a client is configured with)
     */
    public static SelfSignedCertificate generate(String commonName, List<String> dnsNames, Duration validity) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048, new SecureRandom());
            KeyPair kp = gen.generateKeyPair();
            Instant now = Instant.now();
            byte[] algorithm = Der.sequence(Der.oid(SHA256_WITH_RSA), Der.nullValue());
            byte[] name = Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8(commonName))));
            byte[] tbs = Der.sequence(
                    Der.tagged(0, true, Der.integer(BigInteger.valueOf(2))), // v3
                    Der.integer(new BigInteger(64, new SecureRandom()).setBit(62)),
                    algorithm,
                    name,
                    Der.sequence(Der.time(Date.from(now.minus(Duration.ofHours(1)))),
                            Der.time(Date.from(now.plus(validity)))),
                    name,
                    kp.getPublic().getEncoded(), // SubjectPublicKeyInfo, already DER
                    Der.tagged(3, true, Der.sequence(
                            extension(BASIC_CONSTRAINTS, true, Der.sequence()),
                            // digitalSignature and keyEncipherment: bits 0 and 2 of one byte, 5 unused
                            extension(KEY_USAGE, true, Der.bits(5, new byte[] {(byte) 0xA0})),
                            extension(EXT_KEY_USAGE, false, Der.sequence(Der.oid(SERVER_AUTH))),
                            extension(SUBJECT_ALT_NAME, false, altNames(dnsNames)))));
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(kp.getPrivate());
            signer.update(tbs);
            byte[] der = Der.sequence(tbs, algorithm, Der.bits(0, signer.sign()));
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            cert.verify(kp.getPublic());
            return new SelfSignedCertificate(kp, cert);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a self-signed certificate: " + e.getMessage(), e);
        }
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical
                ? Der.sequence(Der.oid(oid), new byte[] {0x01, 0x01, (byte) 0xFF}, Der.octets(value))
                : Der.sequence(Der.oid(oid), Der.octets(value));
    }

    /** dNSName is {@code [2] IA5String}, iPAddress {@code [7] OCTET STRING}, both implicit. */
    private static byte[] altNames(List<String> dnsNames) {
        List<byte[]> names = new ArrayList<>();
        names.add(Der.tagged(2, false, "localhost".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        for (String dns : dnsNames) {
            if (!dns.equalsIgnoreCase("localhost")) {
                names.add(Der.tagged(2, false, dns.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            }
        }
        for (String ip : List.of("127.0.0.1", "::1")) {
            try {
                names.add(Der.tagged(7, false, InetAddress.getByName(ip).getAddress()));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return Der.sequence(names.toArray(new byte[0][]));
    }
}
