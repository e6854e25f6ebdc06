package io.policygate.testing;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A GitLab that misbehaves as a busy one does, once {@link #start}ed: every answer after a random delay, and some
 * of them replaced by a 429 (Retry-After 0: how long policy-gate waits for a longer one is GitLabRateLimitTest's),
 * a 500, 502 or 503, or a connection GitLab drops. Counts what it did, to be printed beside the test's figures.
 */
public final class FlakyGitLab implements ResponseDefinitionTransformerV2 {

    private final int maxDelayMillis;
    private final double faults;
    private volatile boolean started;
    private final Map<String, AtomicLong> done = new ConcurrentHashMap<>();

    /** @param faults the share of answers replaced by a fault, spread evenly over the kinds of fault */
    public FlakyGitLab(int maxDelayMillis, double faults) {
        this.maxDelayMillis = maxDelayMillis;
        this.faults = faults;
    }

    public void start() {
        started = true;
    }

    /** What it did so far, by kind: answered, 429, 500, 502, 503, dropped. */
    public Map<String, Long> done() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        done.forEach((kind, count) -> counts.put(kind, count.get()));
        return counts;
    }

    @Override
    public String getName() {
        return "flaky-gitlab";
    }

    @Override
    public boolean applyGlobally() {
        return true;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        ResponseDefinition answer = event.getResponseDefinition();
        if (!started) {
            return answer;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int delay = random.nextInt(maxDelayMillis + 1);
        if (random.nextDouble() >= faults) {
            count("answered");
            return ResponseDefinitionBuilder.like(answer).withFixedDelay(delay).build();
        }
        return switch (random.nextInt(6)) {
            case 0 -> fault(429, delay, "0");
            case 1 -> fault(500, delay, null);
            case 2 -> fault(502, delay, null);
            case 3 -> fault(503, delay, null);
            default -> {
                count("dropped");
                yield ResponseDefinitionBuilder.responseDefinition()
                        .withFault(random.nextBoolean() ? Fault.CONNECTION_RESET_BY_PEER : Fault.EMPTY_RESPONSE)
                        .build();
            }
        };
    }

    private ResponseDefinition fault(int status, int delay, String retryAfter) {
        count(String.valueOf(status));
        ResponseDefinitionBuilder answer = ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"" + status + "\"}")
                .withFixedDelay(delay);
        return (retryAfter == null ? answer : answer.withHeader("Retry-After", retryAfter)).build();
    }

    private void count(String kind) {
        done.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }
}
