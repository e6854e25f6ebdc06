package io.policygate.async;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;

/**
 * The webhooks being answered at this moment, which the worker waits for before it claims a job: intake has
 * priority over evaluation. GitLab waits for each webhook's answer and does not send it again after a timeout or
 * an error, while a job waits in the journal at no cost. Once jobs stopped holding a thread each while GitLab
 * answered, evaluation took CPU that intake had had: on two cores at 500 webhooks/s the acknowledgement's p50
 * went from 4.8–5.1 ms to 10.4–13.1 ms on PostgreSQL (10–19 to 21–25 ms on H2); claims that wait for such a moment
 * brought it to 3.9–4.3 ms (8.3–8.4 ms), and the verdict rate did not fall (docs/performance.md, "Webhooks before
 * evaluation").
 */
@ApplicationScoped
public class WebhooksInProgress {

    private final Object lock = new Object();
    private int inProgress;

    /** policy_gate_webhooks_in_progress: the webhooks being answered now. */
    @Inject
    public WebhooksInProgress(MeterRegistry registry) {
        Gauge.builder("policy_gate_webhooks_in_progress", this, w -> w.count()).register(registry);
    }

    private int count() {
        synchronized (lock) {
            return inProgress;
        }
    }

    /** A webhook is being read, checked and stored; {@link #ended} must follow, whatever its answer. */
    public void began() {
        synchronized (lock) {
            inProgress++;
        }
    }

    /** A webhook has its answer. */
    public void ended() {
        synchronized (lock) {
            if (--inProgress == 0) {
                lock.notifyAll();
            }
        }
    }

    /**
     * Waits, at most {@code longest}, for a moment when no webhook is being answered. The bound keeps evaluation
     * moving under an unbroken stream of webhooks, by one claim per {@code longest}.
     */
    public void awaitNone(Duration longest) throws InterruptedException {
        Monitors.awaitWhile(lock, () -> inProgress > 0, longest);
    }
}
