package io.policygate.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the tests that drive the running service: WireMock as GitLab, the journal for assertions,
 * and a GitLab that accepts everything and has heard nothing at the start of each test. A test fails when
 * GitLab got a request no stub expected: a new call cannot go untested.
 */
public abstract class ServiceTest {

    @InjectGitLab
    protected WireMockServer gitlab;

    @Inject
    protected Journal journal;

    @BeforeEach
    void cleanGitLab() {
        GitLabStubs.reset(gitlab, journal);
        journal.forgetRegisteredChecks();
        journal.forgetSweeps();
    }

    @AfterEach
    void noUnexpectedGitLabCall() {
        StubbedServers.assertNoUnexpectedRequest(gitlab);
    }
}
