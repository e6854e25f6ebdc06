package io.policygate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.policygate.policy.PolicyError;
import io.policygate.policy.PolicyFolder;
import io.policygate.policy.PolicyLoadException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code preview}: what a policy folder would change on the open merge requests of a group or projects,
 * asked of a running policy-gate (POST /api/v1/policies/preview), which compares it with the set in force
 * and reads GitLab with its own token. Made for a policy repository's merge request pipeline: it prints
 * the flips and exits 0; it exits 1 when the folder is invalid or no preview could be made.
 */
@Command(
        name = "preview",
        mixinStandardHelpOptions = true,
        description = "What the policy folder would change on the open merge requests of a group or projects, asked"
                + " of a running policy-gate (POST /api/v1/policies/preview). Prints the flips; exit 0 when a preview"
                + " was made, 1 when the folder is invalid or none could be made.")
final class PreviewCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;

    @Spec
    CommandSpec spec;

    @Option(names = "--policies", required = true, paramLabel = "DIR", description = "the candidate policy folder")
    Path policies;

    @Option(
            names = "--group",
            paramLabel = "ID_OR_PATH",
            description = "the group whose open merge requests to" + " evaluate (subgroups included)")
    String group;

    @Option(
            names = "--project",
            paramLabel = "ID_OR_PATH",
            description = "a project whose open merge requests to" + " evaluate (repeatable)")
    List<String> projects = new ArrayList<>();

    @Option(names = "--status-check", paramLabel = "NAME", description = "evaluate as for this status check")
    String statusCheck;

    @Option(
            names = "--url",
            paramLabel = "POLICY_GATE_URL",
            defaultValue = "${env:POLICY_GATE_URL}",
            description = "policy-gate's address (default: the environment variable POLICY_GATE_URL)")
    String url;

    @Option(
            names = "--token-env",
            paramLabel = "VAR",
            defaultValue = "POLICY_GATE_API_TOKEN",
            description = "the environment variable holding policy-gate's API token (default: ${DEFAULT-VALUE})")
    String tokenEnv;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "600",
            description = "how long to wait for the preview (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    PreviewCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        if (group == null && projects.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give a scope: --group or --project");
        }
        if (url == null || !url.matches("https?://.+")) {
            throw new ParameterException(spec.commandLine(), "set POLICY_GATE_URL or --url to policy-gate's address");
        }
        String token = PolicyGateMain.fromEnv(spec, tokenEnv);
        Map<String, byte[]> files;
        try {
            List<PolicyError> errors = new ArrayList<>();
            files = PolicyFolder.read(policies, errors);
            if (!errors.isEmpty()) {
                throw new PolicyLoadException(errors);
            }
        } catch (PolicyLoadException e) {
            return printErrors(e.errors(), policies.toString());
        }
        try {
            return answer(
                    PolicyGateApi.post(
                            url, "/api/v1/policies/preview", token, body(files), Duration.ofSeconds(timeoutSeconds)),
                    url);
        } catch (IOException e) {
            out.println("FAILED: policy-gate at " + url + " could not be asked: " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private ObjectNode body(Map<String, byte[]> files) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode texts = body.putObject("files");
        files.forEach((name, bytes) -> texts.put(name, new String(bytes, StandardCharsets.UTF_8)));
        ArrayNode scope = body.putArray("projects");
        projects.forEach(p -> {
            if (p.matches("[0-9]+")) {
                scope.add(Long.parseLong(p));
            } else {
                scope.add(p);
            }
        });
        if (group != null) {
            body.put("group", group);
        }
        if (statusCheck != null) {
            body.put("statusCheck", statusCheck);
        }
        return body;
    }

    private int answer(HttpResponse<String> response, String url) throws IOException {
        JsonNode body = response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
        if (response.statusCode() == 422 && body.has("errors")) {
            List<PolicyError> errors = new ArrayList<>();
            body.get("errors")
                    .forEach(e -> errors.add(new PolicyError(
                            e.path("file").asText(),
                            e.path("line").asInt(),
                            e.path("field").asText(null),
                            e.path("message").asText())));
            return printErrors(errors, "the candidate policies");
        }
        if (response.statusCode() != 200) {
            out.println("FAILED: policy-gate answered " + response.statusCode() + ": "
                    + body.path("detail").asText(response.body()));
            return 1;
        }
        JsonNode counts = body.path("counts");
        out.printf(
                "Impact on %d open merge requests of %s%n",
                counts.path("mergeRequests").asInt(), body.path("scope").asText());
        section(body, "to-failed", "Would flip to failed");
        section(body, "to-passed", "Would flip to passed");
        out.printf("Unchanged: %d%n", counts.path("unchanged").asInt());
        body.path("notEvaluated")
                .forEach(n -> out.printf(
                        "Not evaluated: %s: %s%n",
                        n.path("where").asText(), n.path("reason").asText()));
        out.printf(
                "Details: %s/preview/%s%n",
                url.replaceAll("/+$", ""), body.path("id").asText());
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
            out.printf(
                    "  %s!%d  %s%n",
                    mr.path("projectPath").asText(),
                    mr.path("iid").asLong(),
                    mr.path("title").asText());
            mr.path("rules")
                    .forEach(rule -> out.printf(
                            "    %s (%s): %s -> %s%s%n",
                            rule.path("policy").asText(),
                            rule.path("type").asText(),
                            rule.path("live").asText(),
                            rule.path("candidate").asText(),
                            rule.path("message").isTextual()
                                    ? ": " + rule.path("message").asText()
                                    : ""));
        }
    }

    private int printErrors(List<PolicyError> errors, String where) {
        errors.forEach(out::println);
        out.printf("%d error(s) in %s; nothing was previewed%n", errors.size(), where);
        return 1;
    }
}
