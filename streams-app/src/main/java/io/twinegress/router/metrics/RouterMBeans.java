package io.twinegress.router.metrics;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@link RouterMetrics} on the platform MBean server:
 * <ul>
 *   <li>{@code io.twinegress.router:type=router} — RoutedTotal, UnmatchedTotal, DeadLetteredTotal,
 *       DeadLetteredByKind, RoutedPerEndpoint;</li>
 *   <li>{@code io.twinegress.router:type=endpoint,id=<endpoint id>} — RoutedTotal, one per endpoint
 *       that has received a record (flat attributes, easy for JMX exporters).</li>
 * </ul>
 */
public final class RouterMBeans implements AutoCloseable {

    public static final String DOMAIN = "io.twinegress.router";
    private static final Logger LOG = LoggerFactory.getLogger(RouterMBeans.class);

    /** JMX view of the whole router. */
    public interface RouterMXBean {
        long getRoutedTotal();

        long getUnmatchedTotal();

        long getDeadLetteredTotal();

        Map<String, Long> getDeadLetteredByKind();

        Map<String, Long> getRoutedPerEndpoint();
    }

    /** JMX view of one endpoint. */
    public interface EndpointMXBean {
        String getEndpointId();

        long getRoutedTotal();
    }

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final RouterMetrics metrics;
    private final List<ObjectName> registered = new ArrayList<>();

    private RouterMBeans(RouterMetrics metrics) {
        this.metrics = metrics;
    }

    /** Registers the router MBean and, as endpoints get records, one per endpoint. */
    public static RouterMBeans register(RouterMetrics metrics) {
        RouterMBeans beans = new RouterMBeans(metrics);
        beans.add(name("type=router"), new RouterMXBean() {
            @Override
            public long getRoutedTotal() {
                return metrics.routedTotal();
            }

            @Override
            public long getUnmatchedTotal() {
                return metrics.unmatchedTotal();
            }

            @Override
            public long getDeadLetteredTotal() {
                return metrics.deadLetteredTotal();
            }

            @Override
            public Map<String, Long> getDeadLetteredByKind() {
                return metrics.deadLetteredByKind();
            }

            @Override
            public Map<String, Long> getRoutedPerEndpoint() {
                return metrics.routedPerEndpoint();
            }
        });
        metrics.attach(beans);
        return beans;
    }

    void endpointSeen(String endpointId) {
        add(name("type=endpoint,id=" + ObjectName.quote(endpointId)), new EndpointMXBean() {
            @Override
            public String getEndpointId() {
                return endpointId;
            }

            @Override
            public long getRoutedTotal() {
                return metrics.routedTotal(endpointId);
            }
        });
    }

    public static ObjectName name(String properties) {
        try {
            return new ObjectName(DOMAIN + ":" + properties);
        } catch (JMException e) {
            throw new IllegalArgumentException(properties, e);
        }
    }

    private synchronized void add(ObjectName name, Object bean) {
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(bean, name);
            registered.add(name);
        } catch (JMException e) {
            LOG.warn("Cannot register MBean {}: {}", name, e.toString());
        }
    }

    @Override
    public synchronized void close() {
        for (ObjectName name : registered) {
            try {
                if (server.isRegistered(name)) {
                    server.unregisterMBean(name);
                }
            } catch (JMException e) {
                LOG.debug("Cannot unregister {}", name, e);
            }
        }
        registered.clear();
    }
}
