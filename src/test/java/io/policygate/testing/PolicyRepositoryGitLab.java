package io.policygate.testing;

import java.util.HashMap;
import java.util.Map;

/**
 * The WireMock GitLab of {@link GitLabWireMock}, holding from its start a policy repository with the shipped
 * policies, and a service reading its policies from that repository (checked every second) that fails a merge
 * request on it which would newly fail more than one merge request elsewhere.
 */
public class PolicyRepositoryGitLab extends GitLabWireMock {

    private static volatile PolicyRepository repository;

    /** The repository of the running service's GitLab. */
    public static PolicyRepository repository() {
        return repository;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        repository = new PolicyRepository(server());
        repository.push(PolicyRepository.shipped());
        config.put("policy-gate.policies.repository", PolicyRepository.PROJECT);
        config.put("policy-gate.policies.ref", PolicyRepository.BRANCH);
        config.put("policy-gate.policies.path", PolicyRepository.FOLDER);
        config.put("policy-gate.policies.reload-every", "1s");
        // A merge request on the repository fails its check when it would newly fail more than one elsewhere.
        config.put("policy-gate.preview.max-newly-failing", "1");
        return config;
    }
}
