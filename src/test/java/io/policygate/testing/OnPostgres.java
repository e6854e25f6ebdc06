package io.policygate.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** Test profile: the service on a real PostgreSQL journal, GitLab played by WireMock. */
public class OnPostgres implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(GitLabWireMock.class), new TestResourceEntry(EmbeddedPostgres.class));
    }
}
