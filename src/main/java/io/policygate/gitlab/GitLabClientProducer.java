package io.policygate.gitlab;

import io.micrometer.core.instrument.MeterRegistry;
import io.policygate.config.GitLabConfig;
import io.policygate.tracing.Traces;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.ws.rs.client.ClientRequestFilter;
import java.util.concurrent.TimeUnit;
import org.jboss.resteasy.reactive.client.api.QuarkusRestClientProperties;

/**
 * Builds the GitLab client from configuration alone. Built in code rather than through
 * {@code quarkus.rest-client.*} so that policy-gate.gitlab.url stays the single source of the host the
 * token is sent to, and so a dry-run service needs no URL at all (the client is created on first use).
 */
@ApplicationScoped
public class GitLabClientProducer {

    @Produces
    @ApplicationScoped
    GitLabApi gitLabApi(GitLabConfig config, GitLabBudget budget, MeterRegistry metrics, Traces traces) {
        GitLabApi client = QuarkusRestClientBuilder.newBuilder()
                .baseUri(config.url()
                        .orElseThrow(() -> new IllegalStateException(
                                "policy-gate.gitlab.url (POLICY_GATE_GITLAB_URL) is not set")))
                .connectTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                // Every status is classified by ReportOutcome; the default mapper would throw on 4xx/5xx.
                .disableDefaultMapper(true)
                // A connection for each call the limit lets through (the client's default pool is 50: past it,
                // calls would wait for a connection however high max-concurrent-calls is set).
                .property(QuarkusRestClientProperties.CONNECTION_POOL_SIZE, config.maxConcurrentCalls())
                // The token goes with every call, to policy-gate.gitlab.url only: one place, not a parameter each.
                .register((ClientRequestFilter) request -> config.token()
                        .filter(t -> !t.isEmpty())
                        .ifPresent(token -> request.getHeaders().putSingle("PRIVATE-TOKEN", token)))
                .build(GitLabApi.class);
        return GitLabCallLimit.around(
                client,
                config.maxConcurrentCalls(),
                config.connectTimeout().plus(config.readTimeout()),
                budget,
                metrics,
                traces);
    }
}
