package io.policygate.gitlab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.policygate.testing.GitLabWireMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A GitLab that answers 503 at start-up says nothing about the token: GitLabAnswer calls it transient. */
@QuarkusTest
@TestProfile(GitLabBusyAtStartUpTest.Profile.class)
class GitLabBusyAtStartUpTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(GitLabWireMock.class, Map.of("user-status", "503")));
        }
    }

    @Inject
    GitLabStartupCheck startup;

    @Test
    void aBusyGitLabIsNotATokenProblem() {
        assertEquals(Optional.empty(), startup.tokenProblem());
    }
}
