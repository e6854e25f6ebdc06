package io.policygate.gitlab;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** policy_gate_gitlab_calls_total{endpoint, status}: every call to GitLab by what it asked and what came back. */
@ApplicationScoped
public class GitLabCallMetrics {

    private final MeterRegistry registry;

    @Inject
    public GitLabCallMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** @param status GitLab's HTTP status, or null when no answer came */
    void count(String endpoint, Integer status) {
        registry.counter(
                        "policy_gate_gitlab_calls",
                        "endpoint",
                        endpoint,
                        "status",
                        status == null ? "no-answer" : String.valueOf(status))
                .increment();
    }
}
