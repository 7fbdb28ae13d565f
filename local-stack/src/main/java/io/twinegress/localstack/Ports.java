package io.twinegress.localstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loopback ports of the local stack. Defaults are the usual ones of each product, so the
 * README's curl and console-producer commands work unchanged.
 */
public record Ports(int kafka, int controller, int connect, int amqp, int eventGrid, int admin) {

    public static final String HOST = "127.0.0.1";

    public static Ports defaults() {
        return new Ports(9092, 9093, 8083, 5672, 5681, 5680);
    }

    /** Free ports picked by the OS (tests, parallel runs). */
    public static Ports free() {
        List<Integer> p = new ArrayList<>();
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                held.add(s);
                p.add(s.getLocalPort());
            }
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port: " + e.getMessage(), e);
        } finally {
            held.forEach(s -> {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            });
        }
        return new Ports(p.get(0), p.get(1), p.get(2), p.get(3), p.get(4), p.get(5));
    }

    /** Name → port, with the command-line option that changes it. */
    public Map<String, Integer> byOption() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("--kafka-port", kafka);
        m.put("--controller-port", controller);
        m.put("--connect-port", connect);
        m.put("--amqp-port", amqp);
        m.put("--eventgrid-port", eventGrid);
        m.put("--admin-port", admin);
        return m;
    }

    /** Ports already in use on loopback, as human lines naming the option to change them. */
    public List<String> busy() {
        List<String> busy = new ArrayList<>();
        byOption().forEach((option, port) -> {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port), 1);
            } catch (IOException e) {
                busy.add("port " + port + " is in use (change it with " + option + ")");
            }
        });
        if (byOption().values().stream().distinct().count() < 6) {
            busy.add("two parts cannot share a port: " + byOption());
        }
        return busy;
    }

    public String kafkaBootstrap() {
        return HOST + ":" + kafka;
    }

    public String connectUrl() {
        return "http://" + HOST + ":" + connect;
    }

    public String adminUrl() {
        return "http://" + HOST + ":" + admin;
    }
}
