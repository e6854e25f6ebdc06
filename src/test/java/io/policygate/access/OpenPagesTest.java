package io.policygate.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.policygate.journal.JobState;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * policy-gate.web.open=true: anyone who reaches policy-gate reads the pages without signing in, and nothing
 * else opens with them: the API, the API description and every change still need a token with its role.
 */
@QuarkusTest
@TestProfile(OpenPagesTest.Open.class)
@WithTestResource(GitLabWireMock.class)
class OpenPagesTest extends ServiceTest {

    public static class Open implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "policy-gate.web.open", "true", "policy-gate.db.url", "jdbc:h2:mem:open-pages;DB_CLOSE_DELAY=-1");
        }
    }

    @Test
    void anyoneReadsThePagesAndNothingElse() {
        String id = Webhooks.accept(Payloads.forMergeRequest(Payloads.SAMPLE, 9301, Payloads.sha(9301)));
        journal.awaitState(id, JobState.REPORTED);

        given().get("/").then().statusCode(200).body(containsString(id));
        given().get("/evaluations/" + id).then().statusCode(200);
        given().get("/preview").then().statusCode(200);

        given().get("/api/v1/evaluations").then().statusCode(401);
        given().get("/q/openapi").then().statusCode(401);
        given().post("/api/v1/policies/reload").then().statusCode(401);
        // A page is read, never changed, by a visitor: anything but GET and HEAD needs a token as before.
        given().post("/").then().statusCode(401);
    }
}
