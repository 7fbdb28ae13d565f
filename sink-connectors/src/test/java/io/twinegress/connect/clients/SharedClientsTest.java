package io.twinegress.connect.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The registry's reference counting: one resource per key, closed with its last lease and never before. */
class SharedClientsTest {

    // synchronized: the registry closes outside its lock, so closers run on many threads at once
    private final List<String> closed = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger created = new AtomicInteger();
    private final SharedClients<String> registry = new SharedClients<>(closed::add);

    private static final ClientKey NS_KEY_A = ClientKey.of("test", "Endpoint=sb://ns;SharedAccessKey=a", Map.of());
    private static final ClientKey NS_KEY_B = ClientKey.of("test", "Endpoint=sb://ns;SharedAccessKey=b", Map.of());

    private SharedClients<String>.Lease lease(ClientKey key) {
        return registry.acquire(key, () -> "resource-" + created.incrementAndGet());
    }

    @Test
    void leasesOfOneKeyShareOneResourceClosedWithTheLastRelease() {
        SharedClients<String>.Lease a = lease(NS_KEY_A);
        SharedClients<String>.Lease b = lease(NS_KEY_A);
        assertSame(a.get(), b.get());
        assertEquals(1, created.get());
        assertEquals(2, registry.leases(NS_KEY_A));

        a.close();
        assertEquals(List.of(), closed, "another task still uses it");
        assertEquals(1, registry.leases(NS_KEY_A));
        b.close();
        assertEquals(List.of("resource-1"), closed);
        assertEquals(0, registry.size());
    }

    @Test
    void anotherCredentialGetsAnotherResource() {
        SharedClients<String>.Lease a = lease(NS_KEY_A);
        SharedClients<String>.Lease b = lease(NS_KEY_B);
        assertNotSame(a.get(), b.get());
        assertEquals(2, registry.size());
        b.close();
        assertEquals(List.of("resource-2"), closed, "closing one key's last lease leaves the other key's resource open");
        assertEquals(1, registry.leases(NS_KEY_A));
        a.close();
    }

    @Test
    void releasingALeaseTwiceCountsOnce() {
        SharedClients<String>.Lease a = lease(NS_KEY_A);
        SharedClients<String>.Lease b = lease(NS_KEY_A);
        a.close();
        a.close(); // a task that closes its sender again
        assertEquals(List.of(), closed, "the second close took nothing from b");
        assertEquals(1, registry.leases(NS_KEY_A));
        b.close();
        assertEquals(List.of("resource-1"), closed);
    }

    @Test
    void afterTheLastReleaseTheNextLeaseBuildsANewResource() {
        SharedClients<String>.Lease a = lease(NS_KEY_A);
        String first = a.get();
        a.close();
        SharedClients<String>.Lease b = lease(NS_KEY_A);
        assertNotSame(first, b.get());
        assertEquals("resource-2", b.get());
        b.close();
        assertEquals(List.of("resource-1", "resource-2"), closed);
    }

    @Test
    void aRetiredResourceStaysOpenForItsHoldersWhileNewLeasesGetAFreshOne() {
        SharedClients<String>.Lease a = lease(NS_KEY_A);
        SharedClients<String>.Lease b = lease(NS_KEY_A);
        a.retire();
        SharedClients<String>.Lease c = lease(NS_KEY_A);
        assertEquals("resource-2", c.get(), "a new lease after retire gets a new resource");
        assertEquals("resource-1", b.get());
        a.close();
        assertEquals(List.of(), closed, "b still holds the retired one");
        b.close();
        assertEquals(List.of("resource-1"), closed);
        assertEquals(1, registry.leases(NS_KEY_A), "c's resource is untouched");
        c.close();
        assertEquals(List.of("resource-1", "resource-2"), closed);
    }

    @Test
    void concurrentLeasesAndReleasesCloseEveryResourceExactlyOnce() throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < 2_000; i++) {
                    lease(i % 2 == 0 ? NS_KEY_A : NS_KEY_B).close();
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(0, registry.size());
        assertEquals(created.get(), closed.size(), "every resource created was closed, once");
        assertTrue(closed.stream().distinct().count() == closed.size());
    }
}
