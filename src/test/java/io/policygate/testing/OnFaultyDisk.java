package io.policygate.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Test profile: an embedded H2 journal in a file on the {@link FaultyDisk}, GitLab played by WireMock. The journal
 * is written only when a test or a webhook asks (no probe on a schedule), and counts as unwritable for long after
 * two seconds. Leases last five seconds: work a worker had claimed when the journal failed under it waits for its
 * lease, and the next test must not wait two minutes for it.
 */
public class OnFaultyDisk implements QuarkusTestProfile {

    /** The journal's file, as in its JDBC URL (H2 adds ".mv.db"). */
    public static final String FILE = "target/faulty-disk-" + UUID.randomUUID() + "/policy-gate";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "policy-gate.db.url", "jdbc:h2:" + FaultyDisk.SCHEME + ":./" + FILE,
                "policy-gate.db.check-every", "1h",
                "policy-gate.db.unwritable-for", "2s",
                "policy-gate.worker.lease", "5s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FaultyDisk.Installed.class), new TestResourceEntry(GitLabWireMock.class));
    }
}
