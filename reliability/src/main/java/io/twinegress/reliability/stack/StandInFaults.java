package io.twinegress.reliability.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The stand-ins' fault switches (docs/emulators.md, admin API): unreachable, throttling, keys,
 * and forgetting what was recorded. Error texts name the call, never a key.
 */
public final class StandInFaults {

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3))
            .build();

    public StandInFaults(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Forgets every recorded message and event (counts restart at 0). */
    public void forgetRecorded() throws IOException, InterruptedException {
        send("DELETE", "/messages", null);
    }

    public void amqpUnreachable(boolean unreachable) throws IOException, InterruptedException {
        send("POST", unreachable ? "/amqp/unreachable" : "/amqp/reachable", "{}");
    }

    public void eventGridUnreachable(boolean unreachable) throws IOException, InterruptedException {
        send("POST", unreachable ? "/eventgrid/unreachable" : "/eventgrid/reachable", "{}");
    }

    public void amqpThrottle(boolean on) throws IOException, InterruptedException {
        send("POST", "/amqp/throttle", "{\"on\":" + on + "}");
    }

    public void eventGridThrottle(boolean on, int retryAfterSeconds) throws IOException, InterruptedException {
        send("POST", "/eventgrid/throttle", on
                ? "{\"on\":true,\"status\":429,\"retryAfterSeconds\":" + retryAfterSeconds + "}"
                : "{\"on\":false}");
    }

    /** Replaces every valid key of an AMQP key name (connections with other keys are dropped). */
    public void amqpReplaceKeys(String keyName, String... keys) throws IOException, InterruptedException {
        StringBuilder sb = new StringBuilder("{\"keyName\":\"").append(keyName).append("\",\"keys\":[");
        for (int i = 0; i < keys.length; i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(keys[i]).append('"');
        }
        send("POST", "/amqp/keys", sb.append("]}").toString());
    }

    public void amqpDelay(int ms) throws IOException, InterruptedException {
        send("POST", "/amqp/delay", "{\"ms\":" + ms + "}");
    }

    private void send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(method + " " + path + " answered " + r.statusCode());
        }
    }
}
