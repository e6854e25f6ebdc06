package io.policygate.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * Test profile: the service on a real PostgreSQL journal, GitLab played by WireMock, and a project's status checks
 * cached as a deployment caches them (policy-gate.gitlab.check-settings-for at its default).
 */
public class OnPostgres implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("policy-gate.gitlab.check-settings-for", "5m");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(GitLabWireMock.class), new TestResourceEntry(EmbeddedPostgres.class));
    }
}
