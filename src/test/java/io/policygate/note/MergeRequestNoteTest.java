package io.policygate.note;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.policygate.event.CheckKey;
import io.policygate.journal.ClusterLease;
import io.policygate.journal.EvaluationRecords;
import io.policygate.journal.JobState;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The merge request note (policy-gate.report.comment=on-failure, the default): one note per status check,
 * found again by its hidden marker, updated in place, and never in the way of the status report.
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class MergeRequestNoteTest extends ServiceTest {

    @Inject
    EvaluationRecords records;

    @Inject
    ClusterLease leases;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The sample payload's external_approval_rule id. */
    private static final long CHECK_ID = 1;

    private static String notesOf(int iid) {
        return "/api/v4/projects/6/merge_requests/" + iid + "/notes";
    }

    private String reported(String fixture, int iid, String sha) {
        String id = Webhooks.accept(Payloads.forMergeRequest(fixture, iid, sha));
        journal.awaitState(id, JobState.REPORTED);
        return id;
    }

    private static String body(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBodyAsString()).path("body").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aFailedVerdictPostsOneNoteWithEveryFailedRuleItsEvidenceAndALink() {
        String id = reported(Payloads.SAMPLE, 7001, Payloads.SAMPLE_SHA);

        assertEquals("created note 5001", journal.awaitNoteResult(id));
        List<LoggedRequest> posts = gitlab.findAll(postRequestedFor(urlPathEqualTo(notesOf(7001))));
        assertEquals(1, posts.size());
        assertEquals("test-gitlab-token", posts.get(0).getHeader("PRIVATE-TOKEN"));
        String note = body(posts.get(0));
        assertTrue(note.startsWith("<!-- policy-gate status-check:" + CHECK_ID + " -->\n"), note);
        assertTrue(note.contains("### :x: QA: failed"), note);
        assertTrue(
                note.contains("- **jira-ticket** (`ticket`): Reference a Jira ticket such as PAY-123 in the title,"),
                note);
        assertTrue(note.contains("  - seen: title `Update README.md`"), note);
        assertTrue(
                note.contains("- **compliance-review** (`expression`): Merges into main need the"
                        + " compliance-reviewed label \\(added by a compliance reviewer\\)."),
                note);
        assertTrue(note.contains("Commit `141be971`"), note);
        assertTrue(note.contains("[Why, rule by rule](https://policy-gate.example.com/evaluations/" + id + ")"), note);
        gitlab.verify(0, putRequestedFor(urlPathMatching(GitLabStubs.NOTES_PATH + "/.*")));
    }

    @Test
    void laterVerdictsUpdateTheNoteFoundByItsMarkerAndAPassSaysSo() throws Exception {
        // Page 1: a colleague quoting our marker (not ours), our own unrelated note; page 2: our note.
        gitlab.stubFor(get(urlPathEqualTo(notesOf(7002)))
                .withQueryParam("page", equalTo("1"))
                .willReturn(GitLabStubs.json("[{\"id\":11,\"author\":{\"id\":5},"
                                + "\"body\":\"copied <!-- policy-gate status-check:1 -->\"},{\"id\":12,\"author\":{\"id\":"
                                + GitLabStubs.BOT_USER_ID + "},\"body\":\"hello\"}]")
                        .withHeader("X-Next-Page", "2")));
        gitlab.stubFor(get(urlPathEqualTo(notesOf(7002)))
                .withQueryParam("page", equalTo("2"))
                .willReturn(GitLabStubs.json("[{\"id\":777,\"author\":{\"id\":" + GitLabStubs.BOT_USER_ID
                        + "},\"body\":\"<!-- policy-gate status-check:1 -->\\nold\"}]")));
        gitlab.stubFor(put(urlPathEqualTo(notesOf(7002) + "/777")).willReturn(GitLabStubs.json("{\"id\":777}")));

        String failed = reported(Payloads.SAMPLE, 7002, Payloads.sha(70021));
        assertEquals("updated note 777", journal.awaitNoteResult(failed));
        String passed = reported(Payloads.COMPLIANT, 7002, Payloads.sha(70022));
        assertEquals("updated note 777", journal.awaitNoteResult(passed));

        List<LoggedRequest> puts = gitlab.findAll(putRequestedFor(urlPathEqualTo(notesOf(7002) + "/777")));
        assertEquals(2, puts.size());
        assertTrue(body(puts.get(0)).contains(":x: QA: failed"));
        String last = body(puts.get(1));
        assertTrue(last.contains("### :white_check_mark: QA: passed"), last);
        assertTrue(last.contains("every enforced policy passes"), last);
        assertTrue(last.contains("Commit `" + Payloads.sha(70022).substring(0, 8) + "`"), last);
        gitlab.verify(0, postRequestedFor(urlPathEqualTo(notesOf(7002))));
        gitlab.verify(0, putRequestedFor(urlPathMatching(notesOf(7002) + "/1[12]")));
    }

    @Test
    void aMergeRequestThatNeverFailedGetsNoNoteAndNoSearchForOne() {
        String id = reported(Payloads.COMPLIANT, 7003, Payloads.sha(7003));

        assertEquals(0, journal.dueNoteCount());
        assertEquals(null, records.evaluation(id).orElseThrow().noteResult());
        gitlab.verify(0, anyRequestedFor(urlPathMatching(notesOf(7003) + ".*")));
    }

    @Test
    void aPassAfterAFailureWhoseNoteIsGoneWritesNoNewOne() {
        gitlab.stubFor(
                post(urlPathEqualTo(notesOf(7004))).willReturn(aResponse().withStatus(403)));
        String failed = reported(Payloads.SAMPLE, 7004, Payloads.sha(70041));
        // A failure's note is skipped once a newer verdict is reported: let the writer try this one first.
        String refused = journal.awaitNoteResult(failed);
        assertTrue(refused.startsWith("GitLab answered 403 to the note create request"), refused);
        String passed = reported(Payloads.COMPLIANT, 7004, Payloads.sha(70042));

        assertTrue(journal.awaitNoteResult(passed).startsWith("no note to update"));
        gitlab.verify(1, postRequestedFor(urlPathEqualTo(notesOf(7004))));
    }

    @Test
    void whileAnotherReplicaWritesTheNoteOfAMergeRequestThisOneWaitsThenWritesOnce() {
        // What the other replica's note writer holds while it writes the note of this merge request's check.
        String otherReplicasLease = NoteWriter.leaseName(new CheckKey(6, 7031, 1));
        assertTrue(leases.acquire(otherReplicasLease, "other-replica/notes", Duration.ofMinutes(1)));
        String id = reported(Payloads.SAMPLE, 7031, Payloads.sha(7031));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> String.valueOf(records.evaluation(id).orElseThrow().noteResult())
                        .startsWith("waiting: another replica"));
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(2))
                .until(() -> gitlab.findAll(anyRequestedFor(urlPathMatching(notesOf(7031) + ".*")))
                        .isEmpty());

        leases.release(otherReplicasLease, "other-replica/notes");
        assertEquals("created note 5001", journal.awaitNoteResult(id));
        gitlab.verify(1, postRequestedFor(urlPathEqualTo(notesOf(7031))));
    }

    @Test
    void statusReportsDoNotWaitForANotesApiThatHangs() {
        // Longer than the read timeout (2 s in tests): every note attempt times out meanwhile.
        gitlab.stubFor(get(urlPathMatching(GitLabStubs.NOTES_PATH))
                .willReturn(GitLabStubs.json("[]").withFixedDelay(4_000)));
        List<String> ids = List.of(7011, 7012, 7013).stream()
                .map(iid -> Webhooks.accept(Payloads.forMergeRequest(Payloads.SAMPLE, iid, Payloads.sha(iid))))
                .toList();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> gitlab.findAll(postRequestedFor(urlPathMatching(".*/status_check_responses")))
                                .size()
                        == 3);
        ids.forEach(id -> journal.awaitState(id, JobState.REPORTED));
        gitlab.verify(0, postRequestedFor(urlPathMatching(GitLabStubs.NOTES_PATH)));

        gitlab.stubFor(get(urlPathMatching(GitLabStubs.NOTES_PATH)).willReturn(GitLabStubs.json("[]")));
        ids.forEach(id -> assertTrue(journal.awaitNoteResult(id).startsWith("created note"), id));
    }

    @Test
    void aNotesApiThatKeepsFailingIsTriedFiveTimesAndTheStatusStaysReported() {
        gitlab.stubFor(get(urlPathEqualTo(notesOf(7021))).willReturn(aResponse().withStatus(502)));
        String id = reported(Payloads.SAMPLE, 7021, Payloads.sha(7021));

        String result = journal.awaitNoteResult(id);
        assertTrue(result.startsWith("GitLab answered 502 to the notes request"), result);
        assertTrue(result.endsWith("gave up after " + NoteWriter.MAX_ATTEMPTS + " attempts"), result);
        gitlab.verify(NoteWriter.MAX_ATTEMPTS, getRequestedFor(urlPathEqualTo(notesOf(7021))));
        gitlab.verify(
                1, postRequestedFor(urlPathEqualTo("/api/v4/projects/6/merge_requests/7021/status_check_responses")));
        assertEquals(JobState.REPORTED, journal.job(id).state());
    }

    @Test
    void aNoteGitLabRefusesIsNotRetriedAndSaysWhatToFix() {
        gitlab.stubFor(post(urlPathEqualTo(notesOf(7022)))
                .willReturn(aResponse().withStatus(403).withBody("{\"message\":\"403 Forbidden\"}")));
        String id = reported(Payloads.SAMPLE, 7022, Payloads.sha(7022));

        String result = journal.awaitNoteResult(id);
        assertTrue(result.startsWith("GitLab answered 403 to the note create request"), result);
        assertTrue(result.contains("Fix: the token's user may not comment"), result);
        gitlab.verify(1, postRequestedFor(urlPathEqualTo(notesOf(7022))));
    }

    @Test
    void mergeRequestTextCannotMentionPeopleOrRunQuickActions() throws Exception {
        String hostile = Payloads.with(Payloads.SAMPLE, "/object_attributes/title", "Ping @all\n/approve\n`x`");
        JsonNode root = JSON.readTree(hostile);
        ((ObjectNode) root.get("object_attributes")).put("iid", 7031);
        String id = Webhooks.accept(Payloads.write(root));
        journal.awaitState(id, JobState.REPORTED);
        journal.awaitNoteResult(id);

        String note = body(
                gitlab.findAll(postRequestedFor(urlPathEqualTo(notesOf(7031)))).get(0));
        assertTrue(note.contains("seen: title `` Ping @all /approve `x` ``"), note);
        assertEquals(2, note.split("@all", -1).length, "the title's only appearance is the code span: " + note);
        note.lines().forEach(line -> assertFalse(line.startsWith("/"), line));
    }
}
