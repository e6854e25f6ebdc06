package io.policygate.gitlab;

import io.policygate.testing.ConfigOverrides;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** status-mode legacy-approve: GitLab 14.0–14.8 took no status field: any post meant "approved". */
@QuarkusTest
@TestProfile(LegacyApproveModeTest.Profile.class)
@WithTestResource(GitLabWireMock.class)
class LegacyApproveModeTest extends LegacyModeTest {

    public static class Profile extends ConfigOverrides {
        public Profile() {
            super("policy-gate.gitlab.status-mode", "legacy-approve");
        }
    }

    @Override
    String mode() {
        return "legacy-approve";
    }

    @Override
    String passBody() {
        return "{\"sha\":\"" + Payloads.SAMPLE_SHA + "\",\"external_status_check_id\":1}";
    }
}
