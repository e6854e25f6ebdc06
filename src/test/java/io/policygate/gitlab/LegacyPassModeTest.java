package io.policygate.gitlab;

import io.policygate.testing.ConfigOverrides;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** status-mode legacy-pass: GitLab 14.9–14.x took status "pass" and had no failed status. */
@QuarkusTest
@TestProfile(LegacyPassModeTest.Profile.class)
@WithTestResource(GitLabWireMock.class)
class LegacyPassModeTest extends LegacyModeTest {

    public static class Profile extends ConfigOverrides {
        public Profile() {
            super("policy-gate.gitlab.status-mode", "legacy-pass");
        }
    }

    @Override
    String mode() {
        return "legacy-pass";
    }

    @Override
    String passBody() {
        return "{\"sha\":\"" + Payloads.SAMPLE_SHA + "\",\"external_status_check_id\":1,\"status\":\"pass\"}";
    }
}
