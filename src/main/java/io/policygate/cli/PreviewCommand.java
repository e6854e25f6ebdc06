package io.policygate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.policygate.policy.PolicyError;
import io.policygate.policy.PolicyLoadException;
import io.policygate.policy.PolicyLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code preview}: what a policy folder would change on the open merge requests of a group or projects,
 * asked of a running policy-gate (POST /api/v1/policies/preview), which compares it with the set in force
 * and reads GitLab with its own token. Made for a policy repository's merge request pipeline: it prints
 * the flips and exits 0; it exits 1 when the folder is invalid or no preview could be made.
 */
final class PreviewCommand {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String USAGE = """
            usage: preview --policies DIR (--group ID_OR_PATH | --project ID_OR_PATH...) [--status-check NAME]
                           [--url POLICY_GATE_URL] [--token-env VAR] [--timeout SECONDS]
            policy-gate's URL defaults to POLICY_GATE_URL, its API token to POLICY_GATE_API_TOKEN.""";

    private final PrintStream out;

    PreviewCommand(PrintStream out) {
        this.out = out;
    }

    int run(List<String> args) {
        CommandOptions given;
        String url;
        String token;
        try {
            given = CommandOptions.parse(args, Set.of("--policies", "--group", "--status-check", "--url", "--token-env",
                    "--timeout"), Set.of("--project"), Set.of());
            if (given.get("--policies") == null || (given.get("--group") == null && given.all("--project").isEmpty())) {
                throw new IllegalArgumentException("give --policies and a scope: --group or --project");
            }
            url = given.get("--url", System.getenv("POLICY_GATE_URL"));
            if (url == null || !url.matches("https?://.+")) {
                throw new IllegalArgumentException("set POLICY_GATE_URL or --url to policy-gate's address");
            }
            token = CommandOptions.fromEnv(given.get("--token-env", "POLICY_GATE_API_TOKEN"));
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            out.println(USAGE);
            return 2;
        }
        Path dir = Path.of(given.get("--policies"));
        Map<String, byte[]> files;
        try {
            List<PolicyError> errors = new ArrayList<>();
            files = PolicyLoader.read(dir, errors);
            if (!errors.isEmpty()) {
                throw new PolicyLoadException(errors);
            }
        } catch (PolicyLoadException e) {
            return printErrors(e.errors(), dir.toString());
        }
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "")
                    + "/api/v1/policies/preview")).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(Long.parseLong(given.get("--timeout", "600"))))
                    .POST(HttpRequest.BodyPublishers.ofString(body(files, given).toString())).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return answer(response, url);
        } catch (IOException | NumberFormatException e) {
            out.println("FAILED: policy-gate at " + url + " could not be asked: " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static ObjectNode body(Map<String, byte[]> files, CommandOptions given) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode texts = body.putObject("files");
        files.forEach((name, bytes) -> texts.put(name, new String(bytes, StandardCharsets.UTF_8)));
        ArrayNode projects = body.putArray("projects");
        given.all("--project").forEach(p -> {
            if (p.matches("[0-9]+")) {
                projects.add(Long.parseLong(p));
            } else {
                projects.add(p);
            }
        });
        if (given.get("--group") != null) {
            body.put("group", given.get("--group"));
        }
        if (given.get("--status-check") != null) {
            body.put("statusCheck", given.get("--status-check"));
        }
        return body;
    }

    private int answer(HttpResponse<String> response, String url) throws IOException {
        JsonNode body = response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
        if (response.statusCode() == 422 && body.has("errors")) {
            List<PolicyError> errors = new ArrayList<>();
            body.get("errors").forEach(e -> errors.add(new PolicyError(e.path("file").asText(), e.path("line").asInt(),
                    e.path("field").asText(null), e.path("message").asText())));
            return printErrors(errors, "the candidate policies");
        }
        if (response.statusCode() != 200) {
            out.println("FAILED: policy-gate answered " + response.statusCode() + ": "
                    + body.path("detail").asText(response.body()));
            return 1;
        }
        JsonNode counts = body.path("counts");
        out.printf("Impact on %d open merge requests of %s%n", counts.path("mergeRequests").asInt(),
                body.path("scope").asText());
        section(body, "to-failed", "Would flip to failed");
        section(body, "to-passed", "Would flip to passed");
        out.printf("Unchanged: %d%n", counts.path("unchanged").asInt());
        body.path("notEvaluated").forEach(n -> out.printf("Not evaluated: %s: %s%n", n.path("where").asText(),
                n.path("reason").asText()));
        out.printf("Details: %s/preview/%s%n", url.replaceAll("/+$", ""), body.path("id").asText());
        return 0;
    }

    private void section(JsonNode preview, String change, String heading) {
        List<JsonNode> flipped = new ArrayList<>();
        preview.path("mergeRequests").forEach(mr -> {
            if (mr.path("change").asText().equals(change)) {
                flipped.add(mr);
            }
        });
        out.printf("%s: %d%n", heading, flipped.size());
        for (JsonNode mr : flipped) {
            out.printf("  %s!%d  %s%n", mr.path("projectPath").asText(), mr.path("iid").asLong(),
                    mr.path("title").asText());
            mr.path("rules").forEach(rule -> out.printf("    %s (%s): %s -> %s%s%n", rule.path("policy").asText(),
                    rule.path("type").asText(), rule.path("live").asText(), rule.path("candidate").asText(),
                    rule.path("message").isTextual() ? ": " + rule.path("message").asText() : ""));
        }
    }

    private int printErrors(List<PolicyError> errors, String where) {
        errors.forEach(out::println);
        out.printf("%d error(s) in %s; nothing was previewed%n", errors.size(), where);
        return 1;
    }
}
