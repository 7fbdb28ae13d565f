package io.twinegress.localstack.dashboard;

import com.sun.tools.attach.VirtualMachine;
import java.util.Set;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Reads the connectors' delivery metrics ({@code kafka.connect:type=plugins,connector=<id>,task=<n>},
 * group twin-egress-delivery) from the Connect worker child process over a local JMX connection
 * (the JDK's attach API: no port opened, same user only).
 */
final class ConnectJmx implements AutoCloseable {

    private final long pid;
    private JMXConnector connector;
    private MBeanServerConnection mbeans;

    ConnectJmx(long pid) {
        this.pid = pid;
    }

    /** An attribute of the connector's task 0 plugin metrics, or null when not (yet) there. */
    synchronized Object taskMetric(String connectorName, String attribute) {
        try {
            if (mbeans == null) {
                VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
                try {
                    String address = vm.startLocalManagementAgent();
                    connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
                    mbeans = connector.getMBeanServerConnection();
                } finally {
                    vm.detach();
                }
            }
            Set<ObjectName> names = mbeans.queryNames(new ObjectName("kafka.connect:type=plugins,connector="
                    + ObjectName.quote(connectorName) + ",*"), null);
            if (names.isEmpty()) {
                names = mbeans.queryNames(new ObjectName("kafka.connect:type=plugins,connector=" + connectorName + ",*"),
                        null);
            }
            for (ObjectName n : names) {
                try {
                    return mbeans.getAttribute(n, attribute);
                } catch (javax.management.AttributeNotFoundException e) {
                    // another plugin of the same connector (a converter): keep looking
                }
            }
            return null;
        } catch (Exception e) {
            close();
            return null;
        }
    }

    @Override
    public synchronized void close() {
        if (connector != null) {
            try {
                connector.close();
            } catch (Exception ignored) {
                // the worker may be gone already
            }
        }
        connector = null;
        mbeans = null;
    }
}
