package io.policygate.policysource;

import io.policygate.config.ConfigurationKeys;
import io.policygate.config.ConfigurationProblems;
import io.policygate.config.GitLabConfig;
import io.policygate.config.PoliciesConfig;
import io.policygate.gitlab.MergeRequestReads;
import io.policygate.journal.PolicyPins;
import io.policygate.policy.FolderPolicyFiles;
import io.policygate.policy.PolicyFiles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the policies in force are read: a GitLab repository when policy-gate.policies.repository is set, otherwise
 * the folder policy-gate.policies.dir. A repository needs GitLab: without policy-gate.gitlab.url and a token,
 * policy-gate does not start.
 */
@ApplicationScoped
public class PolicySources implements ConfigurationProblems {

    private final PoliciesConfig policies;
    private final GitLabConfig gitlab;
    /** The repository the policies are read from, when they are not read from the folder. */
    private final Optional<RepositoryPolicyFiles> repository;

    @Inject
    public PolicySources(PoliciesConfig policies, GitLabConfig gitlab, MergeRequestReads reads, PolicyPins pins) {
        this.policies = policies;
        this.gitlab = gitlab;
        this.repository = policies.repository()
                .filter(r -> !r.isBlank())
                .map(project -> new RepositoryPolicyFiles(
                        project, policies.ref(), policies.path(), policies.waiverApprovals(), reads, pins));
    }

    @Produces
    @ApplicationScoped
    PolicyFiles policyFiles() {
        return repository.<PolicyFiles>map(r -> r).orElseGet(() -> new FolderPolicyFiles(policies.dir()));
    }

    /** The policy repository, when the policies are read from one. */
    Optional<RepositoryPolicyFiles> repository() {
        return repository;
    }

    @Override
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (policies.repository().filter(r -> !r.isBlank()).isPresent()
                && (gitlab.url().isEmpty()
                        || gitlab.token().filter(t -> !t.isEmpty()).isEmpty())) {
            problems.add(ConfigurationKeys.named("policy-gate.policies.repository") + " is set, so the policies are"
                    + " read from GitLab: set " + ConfigurationKeys.named("policy-gate.gitlab.url") + " and "
                    + ConfigurationKeys.named("policy-gate.gitlab.token") + " (a token that may read that project),"
                    + " or use " + ConfigurationKeys.named("policy-gate.policies.dir") + " instead");
        }
        return problems;
    }
}
