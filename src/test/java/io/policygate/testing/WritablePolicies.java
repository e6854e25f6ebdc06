package io.policygate.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/**
 * A service whose policy folder a test rewrites (ConfigMapPolicies, polled every second) in front of a
 * WireMock GitLab. Test classes with this profile share one service; each publishes the set it needs.
 */
public class WritablePolicies implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(GitLabWireMock.class), new TestResourceEntry(ConfigMapPolicies.class));
    }
}
