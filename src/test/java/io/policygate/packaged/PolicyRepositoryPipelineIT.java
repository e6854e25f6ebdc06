package io.policygate.packaged;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.policygate.testing.ServiceProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy repository's CI file of docs/policies.md ("Checking policies in CI"), its {@code policy-check} job run
 * as GitLab's runner would: its variables, then {@code before_script} and {@code script} line by line in a shell, in
 * a checkout of the shipped policies, with GitLab's package registry played by WireMock serving the
 * {@code policy-gate.jar} this build made. If the docs name a jar, a path or a command that does not work, this fails.
 */
class PolicyRepositoryPipelineIT {

    private static final Path COMMANDS_JAR =
            Path.of(System.getProperty("policy-gate.commands.jar", "target/policy-gate.jar"));
    private static final Pattern CI_FILE =
            Pattern.compile("### Checking policies in CI\\n.*?```yaml\\n(.*?)```", Pattern.DOTALL);
    private static final String JOB_TOKEN = "job-token-of-the-pipeline";

    @TempDir
    Path checkout;

    private final WireMockServer registry = new WireMockServer(options().dynamicPort());

    @BeforeEach
    void registryServesTheJarThisBuildMade() throws IOException {
        registry.start();
        registry.stubFor(get(urlEqualTo("/api/v4/projects/compliance%2Fpolicy-gate/packages/generic/policy-gate/0.1.0"
                        + "/policy-gate.jar"))
                .withHeader("JOB-TOKEN", equalTo(JOB_TOKEN))
                .willReturn(aResponse().withBody(Files.readAllBytes(COMMANDS_JAR))));
        copy(Path.of("policies"), checkout.resolve("policies"));
    }

    @AfterEach
    void stop() {
        registry.stop();
    }

    @Test
    void thePolicyCheckJobPassesOnTheShippedPoliciesAndFailsOnABrokenOne() throws Exception {
        Job passing = runPolicyCheck();
        assertEquals(0, passing.exit(), passing.output());
        assertTrue(passing.output().contains("OK: 3 policies and 0 waivers in 3 files in policies"), passing.output());
        assertTrue(passing.output().matches("(?s).*\\n[1-9][0-9]* passed, 0 failed\\n"), passing.output());
        registry.verify(
                1,
                getRequestedFor(
                        urlEqualTo(
                                "/api/v4/projects/compliance%2Fpolicy-gate/packages/generic/policy-gate/0.1.0/policy-gate.jar")));

        Files.writeString(
                checkout.resolve("policies/no-wip.yaml"),
                "name: no-wip\nrules:\n  - type: expression\n    expr: \"mergeRequest.title\"\n");
        Job failing = runPolicyCheck();
        assertEquals(1, failing.exit(), failing.output());
        assertTrue(failing.output().contains("policies/no-wip.yaml:4: rules[0].expr: "), failing.output());
    }

    private record Job(int exit, String output) {}

    private Job runPolicyCheck() throws Exception {
        JsonNode ci = new ObjectMapper(new YAMLFactory()).readTree(ciFile());
        List<String> lines = new ArrayList<>(List.of("set -e"));
        ci.path("variables")
                .fields()
                .forEachRemaining(v ->
                        lines.add("export " + v.getKey() + "=\"" + v.getValue().asText() + "\""));
        assertEquals("eclipse-temurin:17-jre", ci.path("default").path("image").asText());
        ci.path("default").path("before_script").forEach(line -> lines.add(scriptLine(line)));
        JsonNode script = ci.path("policy-check").path("script");
        assertTrue(script.size() > 0, "no policy-check job in docs/policies.md");
        script.forEach(line -> lines.add(scriptLine(line)));

        ProcessBuilder shell = new ProcessBuilder("bash", "-c", String.join("\n", lines))
                .directory(checkout.toFile())
                .redirectErrorStream(true);
        ServiceProcess.withShippedPolicies(shell);
        shell.environment().remove("POLICY_GATE_POLICIES_DIR");
        shell.environment().put("CI_API_V4_URL", "http://localhost:" + registry.port() + "/api/v4");
        shell.environment().put("CI_JOB_TOKEN", JOB_TOKEN);
        Process job = shell.start();
        String output = new String(job.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(job.waitFor(120, TimeUnit.SECONDS), output);
        return new Job(job.exitValue(), output);
    }

    /** GitLab takes a script line only as a string (a line with ": " unquoted is a YAML mapping, and refused). */
    private static String scriptLine(JsonNode line) {
        assertTrue(line.isTextual(), "GitLab would refuse this script line, which YAML reads as " + line);
        return line.asText();
    }

    private static String ciFile() throws IOException {
        Matcher matcher = CI_FILE.matcher(Files.readString(Path.of("docs/policies.md")));
        assertTrue(matcher.find(), "docs/policies.md has no CI file under \"Checking policies in CI\"");
        return matcher.group(1);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
