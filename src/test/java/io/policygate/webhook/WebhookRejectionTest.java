package io.policygate.webhook;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.policygate.event.CheckKey;
import io.policygate.event.Origin;
import io.policygate.event.Trigger;
import io.policygate.journal.Job;
import io.policygate.journal.JobState;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Whatever arrives that we must not act on is refused clearly, stores nothing and harms no worker. */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class WebhookRejectionTest extends ServiceTest {

    private static final String SAMPLE = Payloads.SAMPLE;
    /** Over %test.policy-gate.webhook.max-body-size (1M). */
    private static final String OVER_THE_LIMIT =
            Payloads.with(SAMPLE, "/object_attributes/description", "x".repeat(1_100_000));

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("not JSON", "{\"object_kind\": \"merge_request\", ", null),
                Arguments.of("a JSON array", "[1, 2, 3]", null),
                Arguments.of("a JSON string", "\"merge_request\"", null),
                Arguments.of(
                        "duplicate keys",
                        "{\"object_kind\":\"merge_request\",\"object_kind\":\"push\"}",
                        "object_kind"),
                Arguments.of("no object_kind", Payloads.without(SAMPLE, "/object_kind"), "object_kind"),
                Arguments.of(
                        "object_attributes not an object",
                        Payloads.with(SAMPLE, "/object_attributes", "open"),
                        "object_attributes"),
                Arguments.of(
                        "SHA not hex",
                        Payloads.with(
                                SAMPLE,
                                "/object_attributes/last_commit/id",
                                "zz1be9714669a4c1ccaa013c6a7f3e462ff2a40f"),
                        "object_attributes.last_commit.id"),
                Arguments.of(
                        "SHA too short",
                        Payloads.with(SAMPLE, "/object_attributes/last_commit/id", "141be9714669a4c1"),
                        "object_attributes.last_commit.id"),
                Arguments.of(
                        "SHA missing",
                        Payloads.without(SAMPLE, "/object_attributes/last_commit/id"),
                        "object_attributes.last_commit.id"),
                Arguments.of("project.id missing", Payloads.without(SAMPLE, "/project/id"), "project.id"),
                Arguments.of("project.id a string", Payloads.with(SAMPLE, "/project/id", "6"), "project.id"),
                Arguments.of("project.id negative", Payloads.with(SAMPLE, "/project/id", -6), "project.id"),
                Arguments.of(
                        "project.id overflowing",
                        Payloads.raw(SAMPLE).replace("\"id\": 6,", "\"id\": 92233720368547758070,"),
                        "project.id"),
                Arguments.of(
                        "iid missing", Payloads.without(SAMPLE, "/object_attributes/iid"), "object_attributes.iid"),
                Arguments.of(
                        "iid a float", Payloads.with(SAMPLE, "/object_attributes/iid", 4.5), "object_attributes.iid"),
                Arguments.of(
                        "check id missing",
                        Payloads.without(SAMPLE, "/external_approval_rule/id"),
                        "external_approval_rule.id"),
                Arguments.of(
                        "no check at all",
                        Payloads.without(SAMPLE, "/external_approval_rule"),
                        "external_approval_rule.id"),
                Arguments.of(
                        "title not a string",
                        Payloads.with(SAMPLE, "/object_attributes/title", 42),
                        "object_attributes.title"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void badBodyIs400NamingTheFieldAndStoresNothing(String description, String body, String field) {
        long before = journal.jobCount();

        var response = Webhooks.sendSigned(body)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("title", equalTo("Bad Request"));
        if (field == null) {
            response.body("field", nullValue());
        } else {
            response.body("field", equalTo(field)).body("detail", containsString(field));
        }
        assertEquals(before, journal.jobCount());
    }

    @Test
    void missingSignatureIs401AndStoresNothing() {
        long before = journal.jobCount();
        given().contentType("application/json")
                .body(Payloads.raw(SAMPLE))
                .when()
                .post("/webhooks/gitlab")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("detail", containsString("X-Gitlab-Signature"));
        assertEquals(before, journal.jobCount());
    }

    @Test
    void wrongSignaturesAndTokensAre401AndStoreNothing() {
        long before = journal.jobCount();
        String body = Payloads.raw(SAMPLE);
        String otherBody = Payloads.raw(Payloads.COMPLIANT);
        for (String signature : new String[] {
            Webhooks.sign("wrong-secret", body),
            Webhooks.sign(Webhooks.SECRET, otherBody),
            "not-hex",
            Webhooks.sign(Webhooks.SECRET, body).substring(2)
        }) {
            given().contentType("application/json")
                    .header("X-Gitlab-Signature", signature)
                    .body(body)
                    .when()
                    .post("/webhooks/gitlab")
                    .then()
                    .statusCode(401);
        }
        given().contentType("application/json")
                .header("X-Gitlab-Token", "wrong-secret")
                .body(body)
                .when()
                .post("/webhooks/gitlab")
                .then()
                .statusCode(401);
        // A signature that does not match is not rescued by a correct token next to it.
        given().contentType("application/json")
                .header("X-Gitlab-Token", Webhooks.SECRET)
                .header("X-Gitlab-Signature", Webhooks.sign("wrong-secret", body))
                .body(body)
                .when()
                .post("/webhooks/gitlab")
                .then()
                .statusCode(401);
        assertEquals(before, journal.jobCount());
    }

    @Test
    void bodyOverTheLimitIs413AndStoresNothing() {
        long before = journal.jobCount();
        Webhooks.sendSignedOverTheLimit(OVER_THE_LIMIT).statusCode(413);
        assertEquals(before, journal.jobCount());
    }

    @Test
    void clientThatWritesTheWholeBodyFirstReadsWhy413() {
        long before = journal.jobCount();
        // Like GitLab: no "Expect: 100-continue", the body written whole before the answer is read.
        Webhooks.sendSigned(OVER_THE_LIMIT)
                .statusCode(413)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:policy-gate:problem:too-large"))
                .body("detail", containsString("more than 1048576 bytes (policy-gate.webhook.max-body-size)"));
        // Not even drained past twice the limit: the answer comes at once and the connection closes.
        Webhooks.sendSignedOverTheLimit(Payloads.with(SAMPLE, "/object_attributes/description", "x".repeat(2_200_000)))
                .statusCode(413)
                .body("detail", containsString("the connection is closed"));
        assertEquals(before, journal.jobCount());
        given().get("/q/metrics").then().body(containsString("policy_gate_webhooks_total{outcome=\"too-large\"}"));
    }

    @Test
    void whatIsStoredIsTheTriggerNotTheBody() {
        ObjectNode body = Payloads.json(Payloads.COMPLIANT);
        body.withObject("/object_attributes").put("iid", 31);
        body.withObject("/changes/description").put("previous", "p".repeat(500_000));
        body.withObject("/object_attributes").put("title", "t".repeat(20_000));
        body.withObject("/object_attributes").putObject("head_pipeline").put("id", 7);
        String id = Webhooks.accept(Payloads.write(body));

        Job job = journal.job(id);
        assertEquals(new CheckKey(6, 31, 1), job.key());
        assertEquals(Payloads.SAMPLE_SHA, job.sha());
        assertEquals(Origin.WEBHOOK, job.trigger().origin());
        assertEquals("flightjs/Flight", job.trigger().names().projectPath());
        assertEquals("t".repeat(Trigger.NAME_LENGTH), job.trigger().names().title(), "a name is cut");
        assertEquals(0, journal.countOfJobsWithAPayload(), "no body is stored");
        journal.awaitState(id, JobState.REPORTED);
    }

    @ParameterizedTest
    @CsvSource({
        "push-hook.json, object_kind 'push' is not a merge request event",
        "status-check-merged.json, merge request is merged"
    })
    void eventsWeDoNotActOnAre200IgnoredWithTheReason(String payload, String reason) {
        long before = journal.jobCount();
        Webhooks.sendSigned(Payloads.raw(payload))
                .statusCode(200)
                .body("state", equalTo("ignored"))
                .body("reason", equalTo(reason));
        assertEquals(before, journal.jobCount());
    }

    @Test
    void retryFromGitLabWithoutActionIsEvaluated() {
        // GitLab's "Retry" re-sends the payload without `action`
        // (ee/app/services/external_status_checks/retry_service.rb).
        String id = Webhooks.accept(Payloads.without(Payloads.COMPLIANT, "/object_attributes/action"));
        journal.awaitState(id, JobState.REPORTED);
    }

    @Test
    void badInputLeavesAcceptedWorkAndWorkersIntact() {
        String accepted = Webhooks.accept(Payloads.raw(Payloads.COMPLIANT));
        // Signed but not built by GitLab: the fake GitLab's merge request 4 stays at the accepted job's HEAD.
        badBodies()
                .forEach(args -> Webhooks.forged((String) args.get()[1])
                        .when()
                        .post("/webhooks/gitlab")
                        .then()
                        .statusCode(400));
        Webhooks.sendSignedOverTheLimit(OVER_THE_LIMIT).statusCode(413);
        String afterwards = Webhooks.accept(Payloads.with(SAMPLE, "/object_attributes/iid", 5));

        journal.awaitState(accepted, JobState.REPORTED);
        journal.awaitState(afterwards, JobState.REPORTED);
    }
}
