package io.policygate.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * policy_gate_webhooks_total{outcome}: accepted, duplicate, replayed, ignored, invalid, unauthorized, too-large,
 * too-slow, unavailable.
 */
@ApplicationScoped
public class WebhookMetrics {

    private final MeterRegistry registry;

    @Inject
    public WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void count(String outcome) {
        registry.counter("policy_gate_webhooks", "outcome", outcome).increment();
    }
}
