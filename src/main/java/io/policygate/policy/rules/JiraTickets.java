package io.policygate.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.policygate.policy.DataUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Looks tickets up in Jira ({@code GET /rest/api/2/issue/{key}?fields=status}). Answers are cached for
 * a few minutes: a busy merge request is evaluated on every push and Jira need not hear about each.
 */
final class JiraTickets {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 3;

    /** A ticket's state, or empty when Jira says it does not exist. */
    private final Cache<String, Optional<String>> states = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(5))
            .build();

    private final URI base;
    private final String tokenEnv;
    private final String userEnv;

    JiraTickets(URI base, String tokenEnv, String userEnv) {
        this.base = base;
        this.tokenEnv = tokenEnv;
        this.userEnv = userEnv;
    }

    OutboundCall outboundCall() {
        return OutboundCall.to("jira.url", base, tokenEnv, userEnv);
    }

    /**
     * @return the ticket's status name, or empty when it does not exist
     * @throws DataUnavailableException when Jira cannot answer
     */
    Optional<String> state(String key) {
        return states.get(key, this::fetch);
    }

    private Optional<String> fetch(String key) {
        String path = base.getPath().replaceAll("/+$", "") + "/rest/api/2/issue/"
                + URLEncoder.encode(key, StandardCharsets.UTF_8) + "?fields=status";
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json")
                .header("Authorization", authorization())
                .GET()
                .build();
        HttpCalls.Answer response = HttpCalls.send("Jira", request, ATTEMPTS);
        int status = response.statusCode();
        if (status == 404) {
            return Optional.empty();
        }
        if (status == 401 || status == 403) {
            throw new DataUnavailableException("Jira refused the credentials in " + tokenEnv + " (" + status + ")");
        }
        if (status != 200) {
            throw new DataUnavailableException("Jira answered " + status + " for " + key);
        }
        try {
            JsonNode name =
                    JSON.readTree(response.body()).path("fields").path("status").path("name");
            if (!name.isTextual()) {
                throw new DataUnavailableException("Jira's answer for " + key + " has no fields.status.name");
            }
            return Optional.of(name.textValue());
        } catch (IOException e) {
            throw new DataUnavailableException("Jira's answer for " + key + " is not JSON", e);
        }
    }

    /** Jira Data Center takes a personal access token as Bearer; Jira Cloud takes user:token as Basic. */
    private String authorization() {
        String token = HttpCalls.secretFromEnv("jira.tokenEnv", tokenEnv);
        if (userEnv == null) {
            return "Bearer " + token;
        }
        String user = HttpCalls.secretFromEnv("jira.userEnv", userEnv);
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
    }
}
