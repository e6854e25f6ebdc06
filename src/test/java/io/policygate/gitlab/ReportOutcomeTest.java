package io.policygate.gitlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReportOutcomeTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    @ParameterizedTest
    @CsvSource({
        "200, delivered",
        "201, delivered",
        "409, superseded",
        "400, rejected",
        "401, rejected",
        "403, rejected",
        "404, rejected",
        "405, rejected",
        "422, rejected",
        "301, rejected",
        "408, transient",
        "425, transient",
        "429, transient",
        "500, transient",
        "502, transient",
        "503, transient",
        "504, transient"
    })
    void everyStatusHasOneMeaning(int status, String kind) {
        assertEquals(kind, ReportOutcome.fromResponse(status, "{}", null, NOW).kind());
    }

    @Test
    void permanentRefusalsSayWhatToFix() {
        assertTrue(ReportOutcome.fromResponse(401, "", null, NOW).detail().contains("policy-gate.gitlab.token"));
        assertTrue(ReportOutcome.fromResponse(403, "", null, NOW).detail().contains("Developer role"));
        assertTrue(ReportOutcome.fromResponse(404, "", null, NOW).detail().contains("status check"));
        // A 400 says what GitLab refused; a refused status points at the status mode.
        String missingStatus = ReportOutcome.fromResponse(400, "{\"error\":\"status is missing\"}", null, NOW)
                .detail();
        assertTrue(missingStatus.contains("status is missing") && missingStatus.contains("status-mode"), missingStatus);
        String missingSha = ReportOutcome.fromResponse(400, "{\"error\":\"sha is missing\"}", null, NOW)
                .detail();
        assertTrue(missingSha.contains("sha is missing") && missingSha.contains("as the message says"), missingSha);
    }

    @Test
    void retryAfterReachesTheOutcome() {
        ReportOutcome.Transient t = (ReportOutcome.Transient) ReportOutcome.fromResponse(429, "", "7", NOW);
        assertEquals(Duration.ofSeconds(7), t.retryAfter());
    }

    @Test
    void noAnswerAtAllIsTransient() {
        ReportOutcome refused =
                ReportOutcome.fromFailure(new RuntimeException(new ConnectException("Connection refused")));
        assertInstanceOf(ReportOutcome.Transient.class, refused);
        assertTrue(refused.detail().contains("connection refused"), refused.detail());
        ReportOutcome timeout = ReportOutcome.fromFailure(new RuntimeException(new TimeoutException()));
        assertTrue(timeout.detail().contains("timed out"), timeout.detail());
    }
}
