package io.policygate.policysource;

import io.micrometer.core.instrument.MeterRegistry;
import io.policygate.journal.PolicyPins;
import io.policygate.policy.ActivePolicies;
import io.policygate.policy.PolicyError;
import io.policygate.policy.PolicyLoadException;
import io.policygate.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * An operator's emergency hold of the policy repository at one commit (POST /api/v1/policies/pin): every replica
 * leaves the ref for that commit until the pin is removed, and every page, the API and the health check say so.
 * The ordinary way back is to revert the commit in the repository; a pin is for when that cannot wait for a review.
 */
@ApplicationScoped
public class PolicyPinning {

    private static final Logger LOG = Logger.getLogger(PolicyPinning.class);

    private final PolicySources sources;
    private final PolicyPins pins;
    private final ActivePolicies active;
    private final Clock clock;

    @Inject
    public PolicyPinning(
            PolicySources sources, PolicyPins pins, ActivePolicies active, Clock clock, MeterRegistry metrics) {
        this.sources = sources;
        this.pins = pins;
        this.active = active;
        this.clock = clock;
        metrics.gauge("policy_gate_policies_pinned", this, p -> p.current().isPresent() ? 1 : 0);
    }

    /** The pin in force on this replica (another replica's pin arrives within policy-gate.policies.reload-every). */
    public Optional<PolicyPins.Pin> current() {
        return sources.repository().flatMap(RepositoryPolicyFiles::pin);
    }

    /**
     * Pins the policies at the commit {@code ref} names and puts that commit's set in force.
     *
     * @return the pin, once its set is in force
     * @throws ProblemException 409 when the policies come from a folder, 422 when GitLab does not know the ref or
     *     its set is invalid (the set in force and a pin there was stay)
     */
    public PolicyPins.Pin pin(String ref, String by, String reason) {
        RepositoryPolicyFiles repository = sources.repository()
                .orElseThrow(() -> new ProblemException(
                        409,
                        "not-from-a-repository",
                        "Conflict",
                        "the policies are read from the folder policy-gate.policies.dir; only policies read from a"
                                + " repository (policy-gate.policies.repository) can be pinned to a commit",
                        null));
        String commit;
        try {
            commit = repository.commitOf(ref);
        } catch (PolicyLoadException e) {
            throw unpinnable("commit", e.errors());
        }
        Optional<PolicyPins.Pin> before = pins.current();
        PolicyPins.Pin pin = new PolicyPins.Pin(commit, by, clock.instant(), reason);
        pins.pin(pin);
        ActivePolicies.LoadStatus status = active.reload();
        if (!status.ok() || !commit.equals(active.current().origin().commit())) {
            before.ifPresentOrElse(pins::pin, pins::unpin);
            active.reload();
            throw unpinnable(null, status.errors());
        }
        LOG.warnf("The policies are pinned at commit %s by %s: %s", commit, by, reason);
        return pin;
    }

    /** Removes the pin: the policies follow the ref again. True when there was a pin. */
    public boolean unpin(String by) {
        if (!pins.unpin()) {
            return false;
        }
        active.reload();
        LOG.warnf("The policies were unpinned by %s and follow %s again", by, active.source());
        return true;
    }

    private static ProblemException unpinnable(String field, List<PolicyError> errors) {
        return new ProblemException(
                422,
                "unpinnable",
                "Unprocessable Content",
                "the policies were not pinned: "
                        + String.join(
                                "; ", errors.stream().map(PolicyError::toString).toList()),
                field);
    }
}
