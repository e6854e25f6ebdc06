package io.policygate.gitlab;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.config.StatusMode;
import io.policygate.testing.GitLabWireMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** status-mode auto against a GitLab 14.9, and a token GitLab rejects, both found at start-up. */
@QuarkusTest
@TestProfile(GitLabStartupCheckTest.Profile.class)
class GitLabStartupCheckTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("policy-gate.gitlab.status-mode", "auto");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(
                    new TestResourceEntry(GitLabWireMock.class, Map.of("version", "14.9.2-ee", "user-status", "401")));
        }
    }

    @Inject
    GitLabStartupCheck startup;

    @Inject
    StatusPosting posting;

    @Test
    void autoPicksTheDialectOfTheGitLabVersion() {
        assertEquals(StatusMode.LEGACY_PASS, posting.mode());
        assertEquals(Optional.of(StatusMode.STANDARD), StatusPosting.forVersion("15.0.0"));
        assertEquals(Optional.of(StatusMode.STANDARD), StatusPosting.forVersion("17.5.1-ee"));
        // 14.9 and 14.10 took passed/failed only behind a feature flag that is off by default.
        assertEquals(Optional.of(StatusMode.LEGACY_PASS), StatusPosting.forVersion("14.10.5-ee"));
        assertEquals(Optional.of(StatusMode.LEGACY_APPROVE), StatusPosting.forVersion("14.8.6-ee"));
        assertEquals(Optional.of(StatusMode.LEGACY_APPROVE), StatusPosting.forVersion("14.3.1-ee"));
        // 13.12's endpoint took external_approval_rule_id behind ff_compliance_approval_gates: not spoken.
        assertEquals(Optional.empty(), StatusPosting.forVersion("13.12.0"));
    }

    @Test
    void aRejectedTokenIsReportedAtStartUpWithoutTakingThePodOutOfService() {
        assertTrue(startup.tokenProblem().orElse("").contains("POLICY_GATE_GITLAB_TOKEN"));
        given().get("/q/health/group/gitlab")
                .then()
                .statusCode(503)
                .body("checks[0].data.token", containsString("GitLab answered 401 to GET /user"))
                .body("checks[0].data.statusMode", equalTo("legacy-pass"));
        given().get("/q/health/ready").then().statusCode(200);
    }
}
