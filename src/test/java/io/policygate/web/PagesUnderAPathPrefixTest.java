package io.policygate.web;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.journal.JobState;
import io.policygate.testing.ConfigOverrides;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.Previews;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * policy-gate behind a proxy that serves it under /policy-gate/ and passes requests on without that path:
 * every link a person follows, on the pages and in the merge request note, stays under it.
 */
@QuarkusTest
@TestProfile(PagesUnderAPathPrefixTest.Profile.class)
@WithTestResource(GitLabWireMock.class)
class PagesUnderAPathPrefixTest extends ServiceTest {

    private static final String PUBLIC = "https://tools.example.com/policy-gate";

    public static class Profile extends ConfigOverrides {
        public Profile() {
            // GitLab calls policy-gate at an address of its own, not through the people's proxy.
            super("policy-gate.public-url", PUBLIC + "/", "policy-gate.webhook.urls", FakeGitLab.POLICY_GATE_URL);
        }
    }

    private static String page(String path) {
        return given().auth()
                .preemptive()
                .basic("alice", "test-api-token")
                .get(path)
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    @Test
    void pageLinksAndTheNoteLinkStayUnderThePublicPath() {
        String id = Webhooks.accept(Payloads.forMergeRequest(Payloads.SAMPLE, 8501, Payloads.sha(8501)));
        journal.awaitState(id, JobState.REPORTED);

        String index = page("/");
        assertTrue(index.contains("href=\"/policy-gate/evaluations/" + id + "\""), index);
        assertTrue(index.contains("action=\"/policy-gate/\""), index);
        assertTrue(index.contains("<a href=\"/policy-gate/preview\">Impact previews</a>"), index);
        String evaluation = page("/evaluations/" + id);
        assertTrue(evaluation.contains("<a href=\"/policy-gate/\">← Recent evaluations</a>"), evaluation);
        String notFound = given().auth()
                .preemptive()
                .basic("alice", "test-api-token")
                .get("/evaluations/nope")
                .then()
                .statusCode(404)
                .extract()
                .asString();
        assertTrue(notFound.contains("<a href=\"/policy-gate/\">Recent evaluations</a>"), notFound);
        for (String html : List.of(index, evaluation, notFound)) {
            assertFalse(html.matches("(?s).*(href|action)=\"/(?!policy-gate/).*"), html);
        }

        assertEquals("created note 5001", journal.awaitNoteResult(id));
        String note = gitlab.findAll(postRequestedFor(urlPathEqualTo("/api/v4/projects/6/merge_requests/8501/notes")))
                .get(0)
                .getBodyAsString();
        assertTrue(note.contains(PUBLIC + "/evaluations/" + id), note);
    }

    @Test
    void aPreviewPointsToItsPageUnderThePublicPath() throws IOException {
        String location = Previews.ofAProjectWithoutMergeRequests(gitlab, journal)
                .statusCode(200)
                .body("counts.mergeRequests", equalTo(0))
                .extract()
                .header("Location");

        assertTrue(location.startsWith("/policy-gate/preview/"), location);
        String preview = page(location.substring("/policy-gate".length()));
        assertTrue(preview.contains("<a href=\"/policy-gate/preview\">← Impact previews</a>"), preview);
        given().auth()
                .preemptive()
                .basic("alice", "test-api-token")
                .get("/preview")
                .then()
                .statusCode(200)
                .body(containsString("href=\"" + location + "\""))
                .body(not(containsString("href=\"/preview")));
    }
}
