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

    /** policy_gate_gitlab_cached_characters{cache}: what one of the read caches holds now. */
    <T> void cachedCharacters(String cache, T holder, java.util.function.ToDoubleFunction<T> characters) {
        registry.gauge(
                "policy_gate_gitlab_cached_characters",
                io.micrometer.core.instrument.Tags.of("cache", cache),
                holder,
                characters);
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
