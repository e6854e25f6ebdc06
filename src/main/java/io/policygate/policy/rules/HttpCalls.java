package io.policygate.policy.rules;

import io.policygate.policy.DataUnavailableException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Calls to services a rule consults (Jira, an http plug-in): retried on 429, 5xx and I/O failures with
 * a short doubling pause; what still fails becomes a {@link DataUnavailableException}, i.e. a rule
 * error, never a silent pass.
 */
final class HttpCalls {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private static final Duration FIRST_PAUSE = Duration.ofMillis(200);

    private HttpCalls() {
    }

    /** @param what names the service in messages, e.g. "Jira" */
    static HttpResponse<String> send(String what, HttpRequest request, int attempts) {
        String failure = what + " was not called";
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status != 429 && status < 500) {
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

    /** The value of environment variable {@code name}, or a rule error naming it. */
    static String secretFromEnv(String field, String name) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            throw new DataUnavailableException("environment variable " + name + " (" + field + ") is not set");
        }
        return value;
    }
}
