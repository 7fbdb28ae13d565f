package io.twinegress.connect.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JSON format writer against the CloudEvents SDK's own ({@link JsonFormat}): the same bytes, event
 * by event, for every attribute and data shape the mapping makes, and strings that need escaping.
 */
class CloudEventJsonTest {

    static final JsonFormat SDK = new JsonFormat();
    static final ObjectMapper TREES = new ObjectMapper();

    static CloudEventBuilder full() {
        return CloudEventBuilder.v1().withId("e-1").withSource(URI.create("/subscriptions/x/topics/t")).withType("SensorChange")
            .withSubject("Sensor").withDataSchema(URI.create("1.0")).withTime(OffsetDateTime.parse("2026-11-22T10:00:00.1234567+05:30"));
    }

    static List<CloudEvent> events() {
        byte[] raw = new byte[300];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (i * 7);
        }
        return List.of(
            full().withData("application/json", "{\"v\":1.50,\"n\":{\"a\":[1,2,{}]}}".getBytes(StandardCharsets.UTF_8)).build(),
            full().withData("application/json", "\"a string\"".getBytes(StandardCharsets.UTF_8)).build(),
            full().withData("application/json", "-12.5e3".getBytes(StandardCharsets.UTF_8)).build(),
            full().withData("application/json", "[true, null]".getBytes(StandardCharsets.UTF_8)).build(),
            full().build(),
            CloudEventBuilder.v1().withId("minimal").withSource(URI.create("urn:twin-egress:x")).withType("T").build(),
            full().withTime(OffsetDateTime.parse("2026-11-22T10:00:00Z")).withData("application/octet-stream", raw).build(),
            full().withExtension("traceparent", CloudEventMapperTest.TRACEPARENT).withExtension("tracestate", "congo=t61rcWkgMzE")
                .withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build(),
            full().withId("quote \" backslash \\ tab \t newline \n cr \r bs \b ff \f nul \u0000 us \u001f del \u007f nbsp \u00a0 \u07ff \u0800 \uffff").withSubject("é ü 漢字 \ud83d\ude00 </script>")
                .withType("SpaceChange/with/slashes").build(),
            full().withData("text/plain", "plain text, not JSON".getBytes(StandardCharsets.UTF_8)).build(),
            full().withData("text/json", "{\"x\":1}".getBytes(StandardCharsets.UTF_8)).build(),
            full().withTime(OffsetDateTime.parse("+12026-11-22T10:00:00Z")).build());
    }

    @Test
    void theBytesAreTheSdksBytes() {
        for (CloudEvent e : events()) {
            assertEquals(new String(SDK.serialize(e), StandardCharsets.UTF_8), new String(CloudEventJson.serialize(e), StandardCharsets.UTF_8),
                e::getId);
            assertArrayEquals(SDK.serialize(e), CloudEventJson.serialize(e), e::getId);
        }
    }

    @Test
    void whatItWritesTheSdkReadsBackAsTheSameEvent() throws IOException {
        for (CloudEvent e : events()) {
            CloudEvent read = SDK.deserialize(CloudEventJson.serialize(e));
            assertEquals(e.getId(), read.getId());
            assertEquals(e.getSource(), read.getSource());
            assertEquals(e.getTime(), read.getTime());
            assertEquals(e.getSubject(), read.getSubject());
            assertEquals(e.getExtensionNames(), read.getExtensionNames());
            if (e.getData() != null && CloudEventJson.isJson(e.getDataContentType())) {
                assertEquals(TREES.readTree(e.getData().toBytes()), TREES.readTree(read.getData().toBytes()), e::getId);
            } else if (e.getData() != null) {
                assertArrayEquals(e.getData().toBytes(), read.getData().toBytes(), e::getId);
            }
        }
    }

    @Test
    void anEventWithANonStringExtensionIsWrittenByTheSdk() {
        CloudEvent e = full().withExtension("count", 3).withExtension("flag", true).build();
        assertArrayEquals(SDK.serialize(e), CloudEventJson.serialize(e));
        assertTrue(new String(CloudEventJson.serialize(e), StandardCharsets.UTF_8).contains("\"count\":3"));
    }

    @Test
    void loneSurrogatesAreEscapedAsTheSdkEscapesThem() {
        for (String subject : List.of("half a pair \ud800 here", "a low half \udc00", "ends in a high half \ud83d")) {
            CloudEvent e = full().withSubject(subject).build();
            assertArrayEquals(SDK.serialize(e), CloudEventJson.serialize(e), subject);
        }
    }
}
