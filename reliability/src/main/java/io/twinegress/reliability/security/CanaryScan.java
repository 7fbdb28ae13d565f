package io.twinegress.reliability.security;

import com.sun.tools.attach.VirtualMachine;
import io.twinegress.reliability.ledger.EgressReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.header.Header;

/**
 * Looks for secrets (canaries) where they must never be: log files, every record (key, value,
 * headers) of every topic read uncommitted, every JMX attribute of a running JVM, and any text
 * (REST answers, exception messages). A finding names where, and which canary by its index only:
 * the scan never prints a secret.
 */
public final class CanaryScan {

    private final List<byte[]> canaries = new ArrayList<>();
    private final List<String> texts = new ArrayList<>();
    private final List<String> findings = new ArrayList<>();
    private final AtomicLong scanned = new AtomicLong();

    public CanaryScan(List<String> canaries) {
        for (String c : canaries) {
            this.texts.add(c);
            this.canaries.add(c.getBytes(StandardCharsets.UTF_8));
        }
    }

    public List<String> findings() {
        return List.copyOf(findings);
    }

    /** Things looked at: lines, records, attributes, texts. */
    public long scanned() {
        return scanned.get();
    }

    /** Every regular file under {@code dir}, line by line (bytes, so any encoding is searched). */
    public void files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                byte[] all = Files.readAllBytes(f);
                int line = 1;
                int start = 0;
                for (int i = 0; i <= all.length; i++) {
                    if (i == all.length || all[i] == '\n') {
                        scanned.incrementAndGet();
                        int hit = hit(all, start, i);
                        if (hit >= 0) {
                            findings.add("file " + f + " line " + line + " holds canary #" + hit);
                        }
                        line++;
                        start = i + 1;
                    }
                }
            }
        }
    }

    /** Every record of every topic (except those in {@code skip}), read uncommitted. */
    public void topics(String bootstrap, Admin admin, Set<String> skip) throws Exception {
        for (String t : admin.listTopics().names().get(30, TimeUnit.SECONDS)) {
            if (skip.contains(t)) {
                continue;
            }
            EgressReader.readAll(bootstrap, t, false, r -> {
                scanned.incrementAndGet();
                String where = "topic " + t + " partition " + r.partition() + " offset " + r.offset();
                check(r.key(), where + " key");
                check(r.value(), where + " value");
                for (Header h : r.headers()) {
                    check(h.value(), where + " header " + h.key());
                }
            });
        }
    }

    /** Every readable attribute of every MBean of the JVM with this pid (local attach, same user). */
    public void jmx(String name, long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection m = c.getMBeanServerConnection();
            for (ObjectName n : m.queryNames(null, null)) {
                check(n.toString().getBytes(StandardCharsets.UTF_8), name + " MBean name " + n);
                MBeanAttributeInfo[] attrs;
                try {
                    attrs = m.getMBeanInfo(n).getAttributes();
                } catch (Exception gone) {
                    continue;
                }
                for (MBeanAttributeInfo a : attrs) {
                    if (!a.isReadable()) {
                        continue;
                    }
                    Object v;
                    try {
                        v = m.getAttribute(n, a.getName());
                    } catch (Exception | Error unreadable) {
                        continue;
                    }
                    scanned.incrementAndGet();
                    String s = v instanceof Object[] arr ? java.util.Arrays.deepToString(arr) : String.valueOf(v);
                    check(s.getBytes(StandardCharsets.UTF_8), name + " MBean " + n + " attribute " + a.getName());
                }
            }
        }
    }

    /** Any text: a REST answer, an exception message. */
    public void text(String where, String text) {
        scanned.incrementAndGet();
        if (text != null) {
            check(text.getBytes(StandardCharsets.UTF_8), where);
        }
    }

    private void check(byte[] b, String where) {
        if (b == null) {
            return;
        }
        int hit = hit(b, 0, b.length);
        if (hit >= 0) {
            findings.add(where + " holds canary #" + hit);
        }
    }

    private int hit(byte[] hay, int from, int to) {
        for (int c = 0; c < canaries.size(); c++) {
            byte[] needle = canaries.get(c);
            outer:
            for (int i = from; i + needle.length <= to; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (hay[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return c;
            }
        }
        return -1;
    }
}
