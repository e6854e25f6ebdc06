package io.policygate.policy.rules;

import com.google.re2j.Pattern;
import io.policygate.policy.DataUnavailableException;
import io.policygate.policy.WorthAnotherTry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Calls to services a rule consults (Jira, an http plug-in): retried on the statuses {@link WorthAnotherTry} names
 * and on I/O failures, with a short doubling pause; what still fails becomes a {@link DataUnavailableException}, i.e. a rule
 * error, never a silent pass.
 */
final class HttpCalls {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private static final Duration FIRST_PAUSE = Duration.ofMillis(200);
    private static final Pattern OWN_SETTINGS = Pattern.compile("(?i)(POLICY_GATE|QUARKUS)_");

    private HttpCalls() {}

    /** @param what names the service in messages, e.g. "Jira" */
    static HttpResponse<String> send(String what, HttpRequest request, int attempts) {
        String failure = what + " was not called";
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (!WorthAnotherTry.status(status)) {
                    return response;
                }
                failure = what + " answered " + status;
            } catch (IOException e) {
                failure = what + " could not be reached: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DataUnavailableException("interrupted while calling " + what, e);
            }
            if (attempt < attempts) {
                pause(pause);
                pause = pause.multipliedBy(2);
            }
        }
        throw new DataUnavailableException(failure + " (" + attempts + (attempts == 1 ? " attempt)" : " attempts)"));
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataUnavailableException("interrupted while waiting to retry", e);
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
