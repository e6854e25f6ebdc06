package io.policygate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A running policy-gate's API as the commands call it: JSON in and out, the API token as a bearer token. */
final class PolicyGateApi {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private PolicyGateApi() {}

    /** GETs {@code path} (such as /api/v1/policies) of the policy-gate at {@code url}. */
    static HttpResponse<String> get(String url, String path, String token, Duration timeout)
            throws IOException, InterruptedException {
        return HTTP.send(
                request(url, path, token, timeout).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** POSTs {@code body} to {@code path} (such as /api/v1/policies/preview) of the policy-gate at {@code url}. */
    static HttpResponse<String> post(String url, String path, String token, JsonNode body, Duration timeout)
            throws IOException, InterruptedException {
        return HTTP.send(
                request(url, path, token, timeout)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpRequest.Builder request(String url, String path, String token, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path))
                .header("Authorization", "Bearer " + token)
                .timeout(timeout);
    }
}
