package io.policygate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.policygate.policy.rules.RuleTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/policy.schema.json describes what the loader accepts: every shipped policy and every example in
 * docs/ validates against it and loads, and the schema refuses what the loader refuses.
 */
class PolicySchemaTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema SCHEMA = schema("docs/policy.schema.json");
    private static final Schema WAIVER_SCHEMA = schema("docs/waiver.schema.json");

    private static Schema schema(String file) {
        try {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(Files.readString(Path.of(file)), InputFormat.JSON);
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static List<Error> validate(JsonNode document) throws IOException {
        return SCHEMA.validate(JSON.writeValueAsString(document), InputFormat.JSON);
    }

    private static List<Error> validateWaiver(JsonNode document) throws IOException {
        return WAIVER_SCHEMA.validate(JSON.writeValueAsString(document), InputFormat.JSON);
    }

    /** The example waivers of docs/examples/waivers, loaded beside the shipped policies they name. */
    @Test
    void exampleWaiversValidateAndLoadBesideTheShippedPolicies() throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        List<Path> waivers;
        try (Stream<Path> list = Files.list(Path.of("docs/examples/waivers"))) {
            waivers = list.sorted().toList();
        }
        assertFalse(waivers.isEmpty());
        for (Path waiver : waivers) {
            for (JsonNode document : YAML.readValues(YAML.createParser(waiver.toFile()), JsonNode.class)
                    .readAll()) {
                assertEquals(List.of(), validateWaiver(document), waiver.toString());
            }
            files.put("waivers/" + waiver.getFileName(), Files.readAllBytes(waiver));
        }
        for (String policy : List.of("jira-ticket.yaml", "compliance-review.yaml", "protected-paths.yaml")) {
            files.put(policy, Files.readAllBytes(Path.of("policies", policy)));
        }
        assertEquals(
                waivers.size(),
                new PolicyLoader(RuleTypes.builtIn()).load(files).waivers().size());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "id: W-1\npolicy: jira-ticket\nprojects: [\"**\"]\nreason: r\napprovedBy: j\napprovedOn: 2026-12-01\n",
                "id: W-1\npolicy: jira-ticket\nprojects: []\nreason: r\napprovedBy: j\napprovedOn: 2026-12-01\n"
                        + "expires: 2026-12-31\n",
                "id: W 1\npolicy: jira-ticket\nprojects: [\"**\"]\nreason: r\napprovedBy: j\napprovedOn: 2026-12-01\n"
                        + "expires: 2026-12-31\n",
                "id: W-1\npolicy: jira-ticket\nprojects: [\"**\"]\nreason: r\napprovedBy: j\napprovedOn: 2026-12-01\n"
                        + "expires: 31.12.2026\n",
                "id: W-1\npolicy: jira-ticket\nprojects: [\"**\"]\nreason: r\napprovedBy: j\napprovedOn: 2026-12-01\n"
                        + "expires: 2026-12-31\napprover: k\n",
                "id: W-1\npolicy: jira-ticket\nrule: -1\nprojects: [\"**\"]\nreason: r\napprovedBy: j\n"
                        + "approvedOn: 2026-12-01\nexpires: 2026-12-31\n",
                "id: W-1\npolicy: jira-ticket\nprojects: [\"**\"]\nreason: \" \"\napprovedBy: j\napprovedOn: 2026-12-01\n"
                        + "expires: 2026-12-31\n"
            })
    void waiverSchemaRefusesWhatTheLoaderRefuses(String yaml) throws IOException {
        assertFalse(validateWaiver(YAML.readTree(yaml)).isEmpty(), "schema accepted:\n" + yaml);
        Map<String, byte[]> files = Map.of(
                "jira-ticket.yaml", Files.readAllBytes(Path.of("policies/jira-ticket.yaml")),
                "waivers/w.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        assertThrows(
                PolicyLoadException.class,
                () -> new PolicyLoader(RuleTypes.builtIn()).load(files),
                "loader accepted:\n" + yaml);
    }

    static Stream<Path> policyFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("policies", "docs/examples")) {
            try (Stream<Path> list = Files.list(Path.of(dir))) {
                list.filter(p -> p.toString().endsWith(".yaml") && !p.toString().endsWith(".test.yaml"))
                        .sorted()
                        .forEach(files::add);
            }
        }
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("policyFiles")
    void shippedPoliciesAndExamplesValidateAndLoad(Path file) throws IOException {
        List<JsonNode> documents = YAML.readValues(YAML.createParser(file.toFile()), JsonNode.class)
                .readAll();
        assertFalse(documents.isEmpty());
        for (JsonNode document : documents) {
            assertEquals(List.of(), validate(document), file.toString());
        }
        List<PolicyError> errors = new ArrayList<>();
        new PolicyLoader(RuleTypes.builtIn()).parse(file.toString(), Files.readString(file), errors);
        assertEquals(List.of(), errors);
    }

    @Test
    void yamlBlocksInTheDocsValidate() throws IOException {
        Pattern block = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
        int checked = 0;
        try (Stream<Path> docs = Stream.of(Path.of("README.md"), Path.of("docs/policies.md"))) {
            for (Path doc : docs.toList()) {
                Matcher matcher = block.matcher(Files.readString(doc));
                while (matcher.find()) {
                    JsonNode node = YAML.readTree(matcher.group(1));
                    if (node.has("cases") || node.findValue("script") != null) {
                        // A policy test file (CommandLineTest covers that format) or a GitLab CI job, not a policy.
                        continue;
                    }
                    if (node.has("approvedOn")) {
                        assertEquals(List.of(), validateWaiver(node), doc + ":\n" + matcher.group(1));
                        checked++;
                        continue;
                    }
                    if (node.isArray()) {
                        // A rule snippet: check it as the rules of a policy.
                        ObjectNode policy = JSON.createObjectNode().put("name", "snippet");
                        policy.set("rules", node);
                        node = policy;
                    }
                    assertEquals(List.of(), validate(node), doc + ":\n" + matcher.group(1));
                    checked++;
                }
            }
        }
        assertTrue(checked >= 10, "only " + checked + " YAML blocks found in the docs");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "name: a\nrules:\n  - type: tikcet\n",
                "name: a\nrules:\n  - type: ticket\n    patern: X\n",
                "rules:\n  - type: draft\n",
                "name: a\nrules: []\n",
                "name: a\nmode: strict\nrules:\n  - type: draft\n",
                "name: a\nrules:\n  - type: ticket\n    in: title\n",
                "name: a\nrules:\n  - type: labels\n",
                "name: a\nrules:\n  - type: http\n    url: ftp://x\n",
                "name: a\nowner: me\nrules:\n  - type: draft\n",
                "name: a\nrules:\n  - type: size\n    maxFiles: 0\n",
                "name: a\nrules:\n  - type: http\n    url: https://x\n    tokenEnv: POLICY_GATE_API_TOKEN\n",
                "name: a\nrules:\n  - type: ticket\n    jira: {url: 'https://j', tokenEnv: T, userEnv: quarkus_x_y}\n"
            })
    void schemaRefusesWhatTheLoaderRefuses(String yaml) throws IOException {
        assertFalse(validate(YAML.readTree(yaml)).isEmpty(), "schema accepted:\n" + yaml);
        List<PolicyError> errors = new ArrayList<>();
        new PolicyLoader(RuleTypes.builtIn()).parse("p.yaml", yaml, errors);
        assertFalse(errors.isEmpty(), "loader accepted:\n" + yaml);
    }
}
