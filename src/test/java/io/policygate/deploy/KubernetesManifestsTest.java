package io.policygate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every manifest under deploy/kubernetes parses, and the Deployment has what operators rely on. */
class KubernetesManifestsTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Path ROOT = Path.of("deploy/kubernetes");
    private static final List<JsonNode> DOCUMENTS = new ArrayList<>();

    @BeforeAll
    static void parseAll() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(
                            p -> p.toString().endsWith(".yaml") && !p.toString().contains("/policies/"))
                    .toList()) {
                DOCUMENTS.addAll(YAML.readValues(YAML.createParser(file.toFile()), JsonNode.class)
                        .readAll());
            }
        }
    }

    private static JsonNode kind(String kind, String name) {
        return DOCUMENTS.stream()
                .filter(d -> kind.equals(d.path("kind").asText())
                        && name.equals(d.path("metadata").path("name").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    @Test
    void deploymentRunsTwoHardenedReplicasWithProbesAndResources() {
        JsonNode deployment = kind("Deployment", "policy-gate");
        assertEquals(2, deployment.at("/spec/replicas").asInt());
        JsonNode pod = deployment.at("/spec/template/spec");
        assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean());
        JsonNode container = pod.at("/containers/0");
        assertEquals(
                "/q/health/live", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals(
                "/q/health/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertTrue(container.at("/securityContext/readOnlyRootFilesystem").asBoolean());
        assertFalse(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true));
        assertFalse(container.at("/resources/requests/memory").asText().isEmpty());
        assertFalse(container.at("/resources/limits/memory").asText().isEmpty());
        assertTrue(mountsOf(container).contains("/tmp"), "a writable /tmp");
        assertTrue(mountsOf(container).contains("/deployments/policies"));
        assertTrue(volumes(pod).stream()
                .anyMatch(v -> "tmp".equals(v.path("name").asText()) && v.has("emptyDir")));
        assertTrue(volumes(pod).stream()
                .anyMatch(v -> v.at("/configMap/name").asText().equals("policy-gate-policies")));
    }

    @Test
    void notesLinkToThePagesAtThePublicUrl() {
        JsonNode container = kind("Deployment", "policy-gate").at("/spec/template/spec/containers/0");
        assertTrue(envVar(container, "POLICY_GATE_PUBLIC_URL")
                .path("value")
                .asText()
                .startsWith("https://"));
    }

    @Test
    void tokensComeFromSecretsNeverFromTheManifest() {
        JsonNode container = kind("Deployment", "policy-gate").at("/spec/template/spec/containers/0");
        for (String name : List.of(
                "POLICY_GATE_GITLAB_TOKEN",
                "POLICY_GATE_WEBHOOK_SECRET",
                "POLICY_GATE_API_TOKEN",
                "POLICY_GATE_DB_PASSWORD")) {
            JsonNode env = envVar(container, name);
            assertTrue(env.at("/valueFrom/secretKeyRef/name").isTextual(), name + " comes from a Secret");
            assertFalse(env.has("value"), name + " has no literal value");
        }
    }

    @Test
    void serviceDisruptionBudgetAndPostgresOverlayExist() throws IOException {
        assertEquals(
                "http",
                kind("Service", "policy-gate").at("/spec/ports/0/targetPort").asText());
        assertEquals(
                1,
                kind("PodDisruptionBudget", "policy-gate")
                        .at("/spec/minAvailable")
                        .asInt());
        JsonNode overlay = YAML.readTree(
                ROOT.resolve("overlays/postgresql/kustomization.yaml").toFile());
        assertTrue(overlay.at("/resources").toString().contains("../../base"));
        assertTrue(overlay.at("/secretGenerator/0/literals").toString().contains("jdbc:postgresql://"));
        kind("StatefulSet", "policy-gate-postgresql");
    }

    @Test
    void theConfigMapCarriesTheShippedPoliciesUnchanged() throws IOException {
        JsonNode kustomization =
                YAML.readTree(ROOT.resolve("base/kustomization.yaml").toFile());
        List<String> files = new ArrayList<>();
        kustomization.at("/configMapGenerator/0/files").forEach(f -> files.add(f.asText()));
        try (Stream<Path> shipped = Files.list(Path.of("policies"))) {
            List<String> policies = shipped.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.endsWith(".test.yaml"))
                    .sorted()
                    .toList();
            assertEquals(
                    policies,
                    files.stream()
                            .map(f -> f.substring(f.lastIndexOf('/') + 1))
                            .sorted()
                            .toList());
            for (String policy : policies) {
                assertEquals(
                        Files.readString(Path.of("policies", policy)),
                        Files.readString(ROOT.resolve("base/policies").resolve(policy)),
                        policy + " differs from policies/");
            }
        }
    }

    private static List<String> mountsOf(JsonNode container) {
        List<String> mounts = new ArrayList<>();
        container
                .path("volumeMounts")
                .forEach(m -> mounts.add(m.path("mountPath").asText()));
        return mounts;
    }

    private static List<JsonNode> volumes(JsonNode pod) {
        List<JsonNode> volumes = new ArrayList<>();
        pod.path("volumes").forEach(volumes::add);
        return volumes;
    }

    private static JsonNode envVar(JsonNode container, String name) {
        for (JsonNode env : container.path("env")) {
            if (name.equals(env.path("name").asText())) {
                return env;
            }
        }
        throw new AssertionError("no env " + name);
    }
}
