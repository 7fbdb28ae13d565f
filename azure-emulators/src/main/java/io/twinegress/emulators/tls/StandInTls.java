package io.twinegress.emulators.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS identity of the stand-ins for one run: a {@link SelfSignedCertificate} made at start, the
 * server side (a PKCS12 key store, an {@link SSLContext} for the listeners) and the client side: a PKCS12
 * <b>trust store</b> file holding only the certificate, for any JVM that should trust the stand-ins:
 * <pre>
 * -Djavax.net.ssl.trustStore=&lt;dir&gt;/truststore.p12 -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12
 * </pre>
 * and {@code ca.pem} for tools such as {@code curl --cacert}. Trust is real: clients check the
 * certificate chain and the host name as they would against Azure; nothing is switched off.
 *
 * <p>The trust store password guards nothing secret (the store holds a public certificate); Java
 * needs one to read a PKCS12 store's certificates.
 */
public final class StandInTls {

    private static final Logger LOG = LoggerFactory.getLogger(StandInTls.class);

    /** The password of the trust store (not a secret: it holds only the public certificate). */
    public static final String TRUSTSTORE_PASSWORD = "changeit";
    public static final String TRUSTSTORE_FILE = "truststore.p12";
    public static final String CA_PEM_FILE = "ca.pem";
    private static final String KEY_ALIAS = "twin-egress-stand-ins";

    private static StandInTls shared;

    private final SelfSignedCertificate certificate;
    private final Path directory;
    private final SSLContext serverContext;
    private final SSLContext clientContext;

    private StandInTls(SelfSignedCertificate certificate, Path directory) {
        this.certificate = certificate;
        this.directory = directory;
        try {
            char[] keyPassword = TRUSTSTORE_PASSWORD.toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry(KEY_ALIAS, certificate.keyPair().getPrivate(), keyPassword,
                    new Certificate[] {certificate.certificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, keyPassword);
            serverContext = SSLContext.getInstance("TLS");
            serverContext.init(kmf.getKeyManagers(), null, null);

            KeyStore trust = trustStore();
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            clientContext = SSLContext.getInstance("TLS");
            clientContext.init(null, tmf.getTrustManagers(), null);

            Files.createDirectories(directory);
            try (OutputStream out = Files.newOutputStream(truststoreFile())) {
                trust.store(out, TRUSTSTORE_PASSWORD.toCharArray());
            }
            Files.writeString(caPemFile(), pem(certificate.certificate()), StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up the stand-ins' TLS: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the stand-ins' trust store to " + directory, e);
        }
    }

    /**
     * A new certificate, valid for a week, for the loopback names and {@code dnsNames}, with its trust
     * store and PEM written to {@code directory} (created if missing).
     */
    public static StandInTls generate(Path directory, List<String> dnsNames) {
        StandInTls tls = new StandInTls(SelfSignedCertificate.generate("twin-egress stand-ins", dnsNames,
                Duration.ofDays(7)), directory);
        LOG.info("Stand-in TLS certificate made; trust store {}", tls.truststoreFile());
        return tls;
    }

    /**
     * The one TLS identity of this JVM, made on first use in a temporary directory: what embedded
     * stand-ins use unless given their own, so one trust store covers all of them.
     */
    public static synchronized StandInTls shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("twin-egress-stand-in-tls");
                shared = generate(dir, List.of());
                dir.toFile().deleteOnExit();
                shared.truststoreFile().toFile().deleteOnExit();
                shared.caPemFile().toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make a directory for the stand-ins' trust store", e);
            }
        }
        return shared;
    }

    /**
     * Makes this JVM trust the stand-ins (and nothing else): sets {@code javax.net.ssl.trustStore},
     * {@code -Password} and {@code -Type} to this trust store and makes a context trusting it the JVM's
     * default {@link SSLContext}. For a JVM that runs the clients in-process (tests, an embedded Connect
     * worker). Call it before the first TLS client is made: some clients (reactor-netty, under the Azure
     * HTTP pipeline) build their default TLS context once per JVM from these properties.
     */
    public void trustInThisJvm() {
        System.setProperty("javax.net.ssl.trustStore", truststoreFile().toAbsolutePath().toString());
        System.setProperty("javax.net.ssl.trustStorePassword", TRUSTSTORE_PASSWORD);
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        SSLContext.setDefault(clientContext);
    }

    /** The JVM options a child JVM (a Connect worker process) needs to trust the stand-ins. */
    public List<String> trustJvmOptions() {
        return List.of("-Djavax.net.ssl.trustStore=" + truststoreFile().toAbsolutePath(),
                "-Djavax.net.ssl.trustStorePassword=" + TRUSTSTORE_PASSWORD,
                "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    /** For the listeners. */
    public SSLContext serverContext() {
        return serverContext;
    }

    /** A client context that trusts exactly this certificate. */
    public SSLContext clientContext() {
        return clientContext;
    }

    public X509Certificate certificate() {
        return certificate.certificate();
    }

    public Path directory() {
        return directory;
    }

    /** The PKCS12 trust store (password {@link #TRUSTSTORE_PASSWORD}). */
    public Path truststoreFile() {
        return directory.resolve(TRUSTSTORE_FILE);
    }

    /** The certificate as PEM. */
    public Path caPemFile() {
        return directory.resolve(CA_PEM_FILE);
    }

    private KeyStore trustStore() throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(KEY_ALIAS, certificate.certificate());
        return trust;
    }

    private static String pem(X509Certificate cert) throws GeneralSecurityException {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }
}
