package io.policygate.gitlab;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** What the GitLab client keeps: policy_gate_gitlab_cached_characters (calls are counted by GitLabCallLimit). */
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
}
