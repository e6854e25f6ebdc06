package io.policygate.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.policygate.journal.JobState;
import io.policygate.testing.OnPostgres;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * GitLab's API budget is what limits policy-gate in production, so what a verdict spends is counted: the merge
 * request read and the report, and the changes in one more call when a rule reads them. The project's status checks
 * are read once for all its verdicts (policy-gate.gitlab.check-settings-for, at its default in this profile).
 */
@QuarkusTest
@TestProfile(OnPostgres.class)
class CallsPerVerdictTest extends ServiceTest {

    private static final int MERGE_REQUESTS = 10;

    @Test
    void aVerdictCostsTwoCallsAndOneThatReadsTheChangesThree() {
        for (int i = 0; i < MERGE_REQUESTS; i++) {
            int iid = 8100 + i;
            String body = Payloads.forMergeRequest(Payloads.COMPLIANT, iid, Payloads.sha(iid));
            if (i % 2 == 0) {
                // protected-paths does not apply to a merge request with this label: no rule reads the changes.
                body = body.replaceAll(
                        "\"title\": ?\"compliance-reviewed\"",
                        "\"title\": \"compliance-reviewed\"}, {\"title\": \"platform-approved\"");
            }
            assertEquals(
                    "passed",
                    journal.awaitState(Webhooks.accept(body), JobState.REPORTED).verdict());
        }

        Map<String, Long> calls = verdictCalls();
        long withoutChanges = MERGE_REQUESTS / 2;
        long withChanges = MERGE_REQUESTS - withoutChanges;
        // Read at most once for all ten (not at all when an earlier test of this service filled the cache).
        long checks = calls.getOrDefault("GET project status checks", 0L);
        assertTrue(checks <= 1, calls.toString());
        Map<String, Long> perVerdict = new TreeMap<>(calls);
        perVerdict.remove("GET project status checks");
        assertEquals(
                Map.of(
                        "GET merge request", (long) MERGE_REQUESTS,
                        "GET comparison", withChanges,
                        "POST status check response", (long) MERGE_REQUESTS),
                perVerdict);
        long total = calls.values().stream().mapToLong(Long::longValue).sum();
        // 2 a verdict without the changes, 3 with them.
        assertEquals(2 * withoutChanges + 3 * withChanges + checks, total);
        assertTrue(total / (double) MERGE_REQUESTS <= 2.6, calls.toString());
    }

    /** Every call GitLab got, by what it asked, leaving out the notes (written apart from the verdicts). */
    private Map<String, Long> verdictCalls() {
        List<ServeEvent> events = gitlab.getAllServeEvents();
        return events.stream()
                .map(e -> e.getRequest().getMethod() + " "
                        + URI.create(e.getRequest().getUrl()).getPath())
                .filter(call -> !call.contains("/notes"))
                .collect(Collectors.groupingBy(CallsPerVerdictTest::kind, TreeMap::new, Collectors.counting()));
    }

    private static String kind(String call) {
        if (call.matches("GET /api/v4/projects/\\d+/merge_requests/\\d+")) {
            return "GET merge request";
        }
        if (call.matches("GET /api/v4/projects/\\d+/external_status_checks")) {
            return "GET project status checks";
        }
        if (call.matches("GET /api/v4/projects/\\d+/repository/compare")) {
            return "GET comparison";
        }
        if (call.matches("POST /api/v4/projects/\\d+/merge_requests/\\d+/status_check_responses")) {
            return "POST status check response";
        }
        return call;
    }
}
