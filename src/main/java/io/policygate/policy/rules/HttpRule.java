package io.policygate.policy.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.policy.DataUnavailableException;
import io.policygate.policy.Evidence;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The language-agnostic plug-in: POSTs the merge request's facts as JSON to a service and takes its
 * answer {@code {"passed": true|false, "message": "…"}}. Anything else (timeout, 5xx after retries,
 * an answer without "passed") is a rule error, never a pass.
 */
final class HttpRule implements Rule {

    static final RuleType<Config> TYPE = new RuleType<>("http", Config.class, HttpRule::new);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The longest a call may be given: the worker that makes it waits for it. */
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);

    /**
     * @param url where to POST (http or https)
     * @param timeout how long one call may take, e.g. 5s or 500ms (default 5s, at most 30s)
     * @param retries further attempts after a failed one (default 2)
     * @param tokenEnv optional environment variable whose value is sent as a Bearer token
     */
    record Config(String url, String timeout, Integer retries, String tokenEnv) {}

    private final URI url;
    private final Duration timeout;
    private final int attempts;
    private final String tokenEnv;

    private HttpRule(Config config) {
        this.url = url(config.url());
        this.timeout = config.timeout() == null ? Duration.ofSeconds(5) : duration(config.timeout());
        if (timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new InvalidRuleException(
                    "timeout",
                    "must be at most " + MAX_TIMEOUT.toSeconds() + "s: each call holds one of policy-gate's workers,"
                            + " and with retries a rule may take four times as long");
        }
        if (config.retries() != null && (config.retries() < 0 || config.retries() > 10)) {
            throw new InvalidRuleException("retries", "must be between 0 and 10");
        }
        this.attempts = 1 + (config.retries() == null ? 2 : config.retries());
        this.tokenEnv = HttpCalls.secretVariable("tokenEnv", config.tokenEnv());
    }

    @Override
    public List<OutboundCall> outboundCalls() {
        return List.of(OutboundCall.to("url", url, tokenEnv));
    }

    private static URI url(String text) {
        try {
            URI uri = text == null ? null : new URI(text);
            if (uri != null
                    && List.of("http", "https").contains(String.valueOf(uri.getScheme()))
                    && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below like any other unusable URL
        }
        throw new InvalidRuleException("url", "must be an http(s) URL, e.g. https://checks.example.com/verdict");
    }

    /** "500ms", "5s", "1m", or ISO-8601 such as "PT5S". */
    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("pt")) {
                return positive(Duration.parse(text.trim()));
            }
            if (t.endsWith("ms")) {
                return positive(Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2))));
            }
            if (t.endsWith("s")) {
                return positive(Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1))));
            }
            if (t.endsWith("m")) {
                return positive(Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1))));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // reported below
        }
        throw new InvalidRuleException("timeout", "must be a positive duration such as 5s, 500ms or 1m");
    }

    private static Duration positive(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            throw new NumberFormatException("not positive");
        }
        return duration;
    }

    @Override
    public RuleResult evaluate(RuleContext context) {
        String body;
        try {
            body = JSON.writeValueAsString(context.facts());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the facts are plain maps and lists", e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (tokenEnv != null) {
            request.header("Authorization", "Bearer " + HttpCalls.secretFromEnv("tokenEnv", tokenEnv));
        }
        HttpCalls.Answer response = HttpCalls.send(url.getHost(), request.build(), attempts);
        String expected = "an answer {\"passed\": true} from " + url;
        if (response.statusCode() != 200) {
            throw new DataUnavailableException(url.getHost() + " answered " + response.statusCode());
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new DataUnavailableException(url.getHost() + " did not answer JSON");
        }
        if (answer == null || !answer.path("passed").isBoolean()) {
            throw new DataUnavailableException(url.getHost() + " answered without a boolean \"passed\"");
        }
        String message = answer.path("message").asText("");
        Evidence evidence =
                new Evidence(Map.of("passed", answer.get("passed").booleanValue(), "message", message), expected);
        String shown = message.isEmpty() ? url.getHost() + " says so" : message;
        return answer.get("passed").booleanValue()
                ? RuleResult.passed(TYPE.name(), shown, evidence)
                : RuleResult.failed(TYPE.name(), shown, evidence);
    }
}
