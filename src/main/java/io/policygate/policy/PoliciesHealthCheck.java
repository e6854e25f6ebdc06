package io.policygate.policy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once a policy set is in force. A rejected reload does not make the pod unready: the last good
 * set still decides, and the failed load shows in the data (and in /api/v1/policies and the metrics).
 */
@Readiness
@ApplicationScoped
public class PoliciesHealthCheck implements HealthCheck {

    private final ActivePolicies policies;

    @Inject
    public PoliciesHealthCheck(ActivePolicies policies) {
        this.policies = policies;
    }

    @Override
    public HealthCheckResponse call() {
        ActivePolicies.LoadStatus last = policies.lastLoad();
        PolicyOrigin origin = policies.current().origin();
        return HealthCheckResponse.named("policies")
                .status(last != null)
                .withData("policies", policies.current().policies().size())
                .withData("source", origin.source() == null ? policies.source() : origin.source())
                .withData("from", policies.source())
                .withData("commit", origin.commit() == null ? "none" : origin.commit())
                .withData("lastLoadOk", last != null && last.ok())
                .withData("lastLoadErrors", last == null ? 0 : last.errors().size())
                .build();
    }
}
