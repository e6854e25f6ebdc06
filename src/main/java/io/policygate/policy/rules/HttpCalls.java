package io.policygate.policy.rules;

import com.google.re2j.Pattern;
import io.policygate.policy.DataUnavailableException;
import io.policygate.policy.WorthAnotherTry;
import io.smallrye.faulttolerance.api.Guard;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calls to services a rule consults (Jira, an http plug-in): retried within the call, through SmallRye Fault
 * Tolerance, on the statuses {@link WorthAnotherTry} names and on I/O failures, 200 ms then twice as long each time;
 * what still fails becomes a {@link DataUnavailableException}, i.e. a rule error, never a silent pass.
 */
final class HttpCalls {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    /** policy-gate's own settings, also under a Quarkus profile: POLICY_GATE_…, QUARKUS_…, _PROD_POLICY_GATE_…. */
    private static final Pattern OWN_SETTINGS = Pattern.compile("(?i)(_[A-Z0-9-]+_)?(POLICY_GATE|QUARKUS)_");
    /**
     * The most of an answer read: a verdict or an issue's status fits in a few kilobytes, and a service that
     * answers more (by mistake or on purpose) must not fill the heap.
     */
    static final int MAX_ANSWER_BYTES = 1 << 20;
    /**
     * One guard per number of attempts a rule asks for. Made on first use, not when the class loads: the policy
     * loader loads it at start-up, and a guard made then could miss the service's CDI container and its metrics.
     */
    private static final Map<Integer, Guard> RETRIES = new ConcurrentHashMap<>();

    private HttpCalls() {}

    /** A service's answer: its status and its body, read up to {@link #MAX_ANSWER_BYTES}. */
    record Answer(int statusCode, String body) {}

    /** @param what names the service in messages, e.g. "Jira" */
    static Answer send(String what, HttpRequest request, int attempts) {
        Guard retries = RETRIES.computeIfAbsent(
                attempts,
                n -> Guard.create()
                        .withDescription("rule-calls")
                        .withRetry()
                        .maxRetries(n - 1)
                        .delay(200, ChronoUnit.MILLIS)
                        .jitter(50, ChronoUnit.MILLIS)
                        .withExponentialBackoff()
                        .factor(2)
                        .done()
                        .retryOn(Failed.class)
                        .done()
                        .build());
        try {
            return retries.get(() -> attempt(what, request), Answer.class);
        } catch (Failed e) {
            throw new DataUnavailableException(
                    e.getMessage() + " (" + attempts + (attempts == 1 ? " attempt)" : " attempts)"));
        }
    }

    /** One try; an answer worth another try, or none, is thrown as {@link Failed}. */
    private static Answer attempt(String what, HttpRequest request) {
        try {
            HttpResponse<InputStream> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_ANSWER_BYTES + 1);
            }
            if (WorthAnotherTry.status(response.statusCode())) {
                throw new Failed(what + " answered " + response.statusCode());
            }
            if (body.length > MAX_ANSWER_BYTES) {
                throw new DataUnavailableException(
                        what + " answered more than " + MAX_ANSWER_BYTES + " bytes, more than policy-gate reads");
            }
            return new Answer(response.statusCode(), new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Failed(what + " could not be reached: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataUnavailableException("interrupted while calling " + what, e);
        }
    }

    /** A call worth another try. */
    private static final class Failed extends RuntimeException {
        Failed(String detail) {
            super(detail, null, false, false);
        }
    }

    /**
     * {@code name} when a rule may send that variable's value to a service: not one of policy-gate's own
     * settings, which hold the GitLab token, the webhook secret, the API token and the database password.
     *
     * @throws InvalidRuleException naming {@code field} otherwise
     */
    static String secretVariable(String field, String name) {
        if (name != null && OWN_SETTINGS.matcher(name).lookingAt()) {
            throw new InvalidRuleException(
                    field,
                    "'" + name + "' is one of policy-gate's own settings; a policy may"
                            + " not send policy-gate's secrets to another service: give the token its own variable");
        }
        return name;
    }

    /** The value of environment variable {@code name}, or a rule error naming it. */
    static String secretFromEnv(String field, String name) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            throw new DataUnavailableException("environment variable " + name + " (" + field + ") is not set");
        }
        return value;
    }
}
