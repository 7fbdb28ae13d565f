package io.twinegress.emulators.eventgrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each CloudEvents rule the stand-in enforces, with the message that names it. */
class CloudEventValidatorTest {

    final CloudEventValidator v = new CloudEventValidator(new ObjectMapper(), 1024 * 1024, 2);

    EventGridValidator.Result batch(String json) {
        return v.validate(json.getBytes(StandardCharsets.UTF_8), "application/cloudevents-batch+json; charset=utf-8");
    }

    static String event(String extra) {
        return "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"" + extra + "}";
    }

    @Test
    void aValidBatchAndASingleEventAreAccepted() {
        assertEquals(200, batch("[" + event(",\"time\":\"2026-11-22T10:00:00Z\",\"data\":{}") + "]").status());
        assertEquals(200, v.validate(event("").getBytes(StandardCharsets.UTF_8), "application/cloudevents+json").status());
    }

    @Test
    void eachBrokenRuleIsRefusedNamingTheField() {
        assertMessage(400, "'specversion' was not found", batch("[{\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"}]"));
        assertMessage(400, "must be \"1.0\"", batch("[" + event("").replace("1.0", "0.3") + "]"));
        assertMessage(400, "'type' was not found", batch("[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\"}]"));
        assertMessage(400, "'time' is not an RFC 3339", batch("[" + event(",\"time\":\"yesterday\"") + "]"));
        assertMessage(400, "not both", batch("[" + event(",\"data\":1,\"data_base64\":\"AA==\"") + "]"));
        assertMessage(400, "extension attribute name 'Bad_Name'", batch("[" + event(",\"Bad_Name\":1") + "]"));
        assertMessage(400, "at most 2", batch("[" + event("") + "," + event("") + "," + event("") + "]"));
        assertMessage(400, "must be a JSON array", batch(event("")));
        assertMessage(400, "no events", batch("[]"));
        assertMessage(415, "CloudEvents only", v.validate(event("").getBytes(StandardCharsets.UTF_8), "application/json"));
    }

    static void assertMessage(int status, String part, EventGridValidator.Result r) {
        assertEquals(status, r.status(), r.message());
        assertTrue(r.message().contains(part), r.message());
    }
}
