package io.policygate.policy;

import io.policygate.config.PoliciesConfig;
import io.policygate.config.ServiceConfig;
import io.policygate.policy.rules.RuleTypes;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The policy set in force. Loaded at start-up, where an invalid set stops the service: running with
 * a silently partial set would pass merge requests that a policy should stop.
 */
@ApplicationScoped
public class ActivePolicies {

    private static final Logger LOG = Logger.getLogger(ActivePolicies.class);

    private final AtomicReference<PolicySet> current = new AtomicReference<>(PolicySet.EMPTY);
    private final PoliciesConfig config;
    private final PolicyEngine engine;

    @Inject
    public ActivePolicies(PoliciesConfig config, ServiceConfig service) {
        this.config = config;
        this.engine = new PolicyEngine(service.noPolicyVerdict());
    }

    void onStart(@Observes @Priority(1000) StartupEvent start) {
        PolicySet loaded = new PolicyLoader(RuleTypes.installed()).load(config.dir());
        current.set(loaded);
        if (loaded.policies().isEmpty()) {
            LOG.warnf("No policy found in %s: every merge request gets the no-policy verdict", config.dir());
        } else {
            LOG.infof("Loaded %d policies from %d files in %s", loaded.policies().size(), loaded.files().size(),
                    config.dir());
        }
    }

    public PolicySet current() {
        return current.get();
    }

    public Verdict evaluate(MergeRequestContext mergeRequest, MergeRequestData data) {
        return engine.evaluate(current.get(), mergeRequest, data);
    }
}
