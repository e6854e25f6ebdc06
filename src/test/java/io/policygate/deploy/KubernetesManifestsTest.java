package io.policygate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes manifests as a cluster would get them: every kustomization under deploy/kubernetes rendered with
 * {@code kubectl kustomize} (Debian's kubectl), and every object read into the Kubernetes API types (fabric8's
 * model) strictly, so that a misspelt or misplaced field fails here instead of being dropped by the API server.
 * Then what a reviewer looks for: hardened pods, probes, the disruption budget and the network policies.
 */
class KubernetesManifestsTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of("deploy/kubernetes");
    private static final Map<String, Class<? extends HasMetadata>> TYPES = Map.of(
            "Deployment", Deployment.class,
            "StatefulSet", StatefulSet.class,
            "Service", Service.class,
            "ConfigMap", ConfigMap.class,
            "Secret", Secret.class,
            "PodDisruptionBudget", PodDisruptionBudget.class,
            "NetworkPolicy", NetworkPolicy.class,
            "ServiceMonitor", ServiceMonitor.class,
            "PrometheusRule", PrometheusRule.class);

    @TempDir
    static Path work;

    private static List<HasMetadata> base;
    private static List<HasMetadata> postgresql;
    private static List<HasMetadata> policyRepository;
    private static List<HasMetadata> monitored;

    @BeforeAll
    static void render() throws Exception {
        base = rendered(copy("base-copy"), "base");
        postgresql = rendered(copy("overlay-copy"), "overlays/postgresql");
        policyRepository = rendered(copy("repository-copy"), "overlays/policy-repository");
        monitored = rendered(withMonitoring(copy("monitoring-copy")), "monitored");
    }

    /** The manifests copied where the overlay's password can be made, as an operator does before applying. */
    private static Path copy(String name) throws Exception {
        Path copy = work.resolve(name);
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(ROOT.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else if (!file.getFileName().toString().equals("postgres-password.txt")) {
                    Files.copy(file, target);
                }
            }
        }
        run(copy, "sh", copy.resolve("overlays/postgresql/generate-password.sh").toString());
        return copy;
    }

    /** An overlay of the base with the optional monitoring component, as its comment tells operators to write. */
    private static Path withMonitoring(Path copy) throws IOException {
        Files.createDirectories(copy.resolve("monitored"));
        Files.writeString(
                copy.resolve("monitored/kustomization.yaml"),
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\n"
                        + "components:\n  - ../monitoring\n");
        return copy;
    }

    private static List<HasMetadata> rendered(Path copy, String kustomization) throws Exception {
        String yaml =
                run(copy, "kubectl", "kustomize", copy.resolve(kustomization).toString());
        List<HasMetadata> objects = new ArrayList<>();
        for (JsonNode document :
                YAML.readValues(YAML.createParser(yaml), JsonNode.class).readAll()) {
            String kind = document.path("kind").asText();
            Class<? extends HasMetadata> type = TYPES.get(kind);
            assertNotNull(type, kustomization + " renders a " + kind + " this test does not read");
            HasMetadata object = JSON.treeToValue(document, type);
            List<String> unknown = new ArrayList<>();
            unknownFields(object, kind + " " + object.getMetadata().getName(), unknown);
            assertEquals(List.of(), unknown, kustomization + ": fields the Kubernetes API does not have");
            objects.add(object);
        }
        return objects;
    }

    private static String run(Path dir, String... command) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            String why = command[0] + " is not installed (Debian's package kubectl; .ci/run installs it)";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why, e);
            }
            Assumptions.abort(why);
            throw e;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
        return output;
    }

    /**
     * Every field fabric8 could not place (its additionalProperties), anywhere in the object: what a strict
     * reading of the API types refuses.
     */
    private static void unknownFields(Object value, String path, List<String> unknown) throws Exception {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                unknownFields(entry.getValue(), path + "." + entry.getKey(), unknown);
            }
            return;
        }
        if (!value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")
                && !value.getClass().getPackageName().startsWith("io.fabric8.openshift.api.model.monitoring")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get")
                    || getter.getName().equals("getClass")) {
                continue;
            }
            Object field;
            try {
                field = getter.invoke(value);
            } catch (InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
                continue;
            }
            unknownFields(field, path + "." + getter.getName().substring(3), unknown);
        }
    }

    private static <T extends HasMetadata> T find(List<HasMetadata> objects, Class<T> type, String name) {
        return named(objects, type, name::equals, name);
    }

    /** A generated ConfigMap or Secret: kustomize adds a hash of its content to the name. */
    private static <T extends HasMetadata> T generated(List<HasMetadata> objects, Class<T> type, String name) {
        return named(objects, type, n -> n.startsWith(name + "-"), name + "-<hash>");
    }

    private static <T extends HasMetadata> T named(
            List<HasMetadata> objects, Class<T> type, java.util.function.Predicate<String> name, String shown) {
        return objects.stream()
                .filter(type::isInstance)
                .map(type::cast)
                .filter(o -> name.test(o.getMetadata().getName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + shown));
    }

    private static void assertHardened(PodSpec pod, String what) {
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), what + ": no service account token");
        assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), what + ": runs as non-root");
        assertEquals(
                "RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType(), what + ": seccomp");
        for (Container container : pod.getContainers()) {
            var security = container.getSecurityContext();
            assertEquals(Boolean.FALSE, security.getAllowPrivilegeEscalation(), what + ": no privilege escalation");
            assertEquals(Boolean.TRUE, security.getReadOnlyRootFilesystem(), what + ": read-only root");
            assertEquals(List.of("ALL"), security.getCapabilities().getDrop(), what + ": drops every capability");
            assertNotNull(container.getResources().getLimits().get("memory"), what + ": a memory limit");
            assertNotNull(container.getReadinessProbe(), what + ": a readiness probe");
        }
    }

    private static Set<Integer> ports(List<NetworkPolicyPort> ports) {
        return ports.stream().map(p -> p.getPort().getIntVal()).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyObjectOfEveryKustomizationIsOfTheKubernetesApi() {
        assertEquals(
                Set.of("ConfigMap", "Deployment", "NetworkPolicy", "PodDisruptionBudget", "Service"),
                base.stream().map(HasMetadata::getKind).collect(Collectors.toSet()));
        assertTrue(postgresql.stream()
                .map(HasMetadata::getKind)
                .collect(Collectors.toSet())
                .containsAll(Set.of("StatefulSet", "Secret", "NetworkPolicy")));
        assertTrue(
                base.stream().allMatch(o -> "policy-gate".equals(o.getMetadata().getNamespace())));
    }

    @Test
    void policyGateRunsTwoHardenedReplicasWithProbesResourcesAndAWritableTmp() {
        Deployment deployment = find(base, Deployment.class, "policy-gate");
        assertEquals(2, deployment.getSpec().getReplicas());
        assertEquals(
                0,
                deployment
                        .getSpec()
                        .getStrategy()
                        .getRollingUpdate()
                        .getMaxUnavailable()
                        .getIntVal());
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertHardened(pod, "policy-gate");
        Container container = pod.getContainers().get(0);
        assertEquals(
                "/q/health/started", container.getStartupProbe().getHttpGet().getPath());
        assertEquals("/q/health/live", container.getLivenessProbe().getHttpGet().getPath());
        assertEquals(
                "/q/health/ready", container.getReadinessProbe().getHttpGet().getPath());
        assertNotNull(container.getResources().getRequests().get("memory"));
        assertTrue(container.getVolumeMounts().stream()
                .anyMatch(m -> m.getMountPath().equals("/tmp")));
        assertTrue(pod.getVolumes().stream()
                .anyMatch(v ->
                        v.getConfigMap() != null && v.getConfigMap().getName().startsWith("policy-gate-policies")));
        assertTrue(env(container, "POLICY_GATE_PUBLIC_URL").getValue().startsWith("https://"));
        // The decision records' key comes from a Secret, not from the pod's emptyDir, which a restart empties.
        String keyFile = env(container, "POLICY_GATE_ATTESTATIONS_KEY_FILE").getValue();
        String mount = container.getVolumeMounts().stream()
                .filter(m -> keyFile.startsWith(m.getMountPath() + "/"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("nothing is mounted where the key file is: " + keyFile))
                .getName();
        assertEquals(
                "policy-gate-attestation",
                pod.getVolumes().stream()
                        .filter(v -> v.getName().equals(mount))
                        .findFirst()
                        .orElseThrow()
                        .getSecret()
                        .getSecretName());
    }

    @Test
    void tokensAndPasswordsComeFromSecretsNeverFromTheManifest() {
        Container container = find(base, Deployment.class, "policy-gate")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        for (String name : List.of(
                "POLICY_GATE_GITLAB_TOKEN",
                "POLICY_GATE_WEBHOOK_SECRET",
                "POLICY_GATE_API_TOKENS_OPERATOR_SHA256",
                "POLICY_GATE_DB_PASSWORD")) {
            EnvVar env = env(container, name);
            assertNotNull(env.getValueFrom().getSecretKeyRef(), name + " comes from a Secret");
            assertEquals(null, env.getValue(), name + " has no literal value");
        }
    }

    @Test
    void theDisruptionBudgetAndTheServiceCoverPolicyGatesPods() {
        Map<String, String> podLabels = find(base, Deployment.class, "policy-gate")
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getLabels();
        PodDisruptionBudget budget = find(base, PodDisruptionBudget.class, "policy-gate");
        assertEquals(1, budget.getSpec().getMinAvailable().getIntVal());
        assertTrue(podLabels
                .entrySet()
                .containsAll(budget.getSpec().getSelector().getMatchLabels().entrySet()));
        Service service = find(base, Service.class, "policy-gate");
        assertEquals("http", service.getSpec().getPorts().get(0).getTargetPort().getStrVal());
        assertTrue(
                podLabels.entrySet().containsAll(service.getSpec().getSelector().entrySet()));
    }

    @Test
    void policyGatesPodsTakeOnlyHttpAndReachOnlyDnsAndGitLab() {
        NetworkPolicy policy = find(base, NetworkPolicy.class, "policy-gate");
        Map<String, String> podLabels = find(base, Deployment.class, "policy-gate")
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getLabels();
        assertTrue(podLabels
                .entrySet()
                .containsAll(policy.getSpec().getPodSelector().getMatchLabels().entrySet()));
        assertEquals(List.of("Ingress", "Egress"), policy.getSpec().getPolicyTypes());
        assertEquals(1, policy.getSpec().getIngress().size());
        assertEquals(Set.of(8080), ports(policy.getSpec().getIngress().get(0).getPorts()));
        List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
        // Every rule names both where and which ports: none opens the way to everything.
        assertTrue(egress.stream()
                .allMatch(r -> !r.getTo().isEmpty() && !r.getPorts().isEmpty()));
        assertEquals(Set.of(53), ports(egress.get(0).getPorts()));
        assertEquals(
                "kube-dns",
                egress.get(0).getTo().get(0).getPodSelector().getMatchLabels().get("k8s-app"));
        assertEquals(Set.of(443), ports(egress.get(1).getPorts()));
        assertNotNull(egress.get(1).getTo().get(0).getIpBlock(), "GitLab by its address");
    }

    @Test
    void thePostgresqlOverlayIsHardenedLikePolicyGateAndReachableOnlyFromIt() {
        StatefulSet database = find(postgresql, StatefulSet.class, "policy-gate-postgresql");
        assertHardened(database.getSpec().getTemplate().getSpec(), "policy-gate-postgresql");
        NetworkPolicy policy = find(postgresql, NetworkPolicy.class, "policy-gate-postgresql");
        assertEquals(List.of("Ingress", "Egress"), policy.getSpec().getPolicyTypes());
        assertEquals(List.of(), policy.getSpec().getEgress(), "PostgreSQL calls out to nothing");
        assertEquals(
                "policy-gate",
                policy.getSpec()
                        .getIngress()
                        .get(0)
                        .getFrom()
                        .get(0)
                        .getPodSelector()
                        .getMatchLabels()
                        .get("app.kubernetes.io/name"));
        assertEquals(Set.of(5432), ports(policy.getSpec().getIngress().get(0).getPorts()));
        NetworkPolicy toDatabase = find(postgresql, NetworkPolicy.class, "policy-gate-to-postgresql");
        assertEquals(Set.of(5432), ports(toDatabase.getSpec().getEgress().get(0).getPorts()));
    }

    @Test
    void theOverlaysPasswordIsGeneratedNotCommitted() throws Exception {
        String first = password(postgresql);
        String second = password(rendered(copy("another-copy"), "overlays/postgresql"));
        assertTrue(first.length() >= 32, "a long random password");
        assertNotEquals(first, second, "each installation makes its own");
        assertFalse(first.contains("change-me"));
        assertTrue(
                Files.readString(Path.of(".gitignore"))
                        .contains("deploy/kubernetes/overlays/postgresql/postgres-password.txt"),
                "the password file is never committed");
    }

    @Test
    void theConfigMapCarriesTheShippedPoliciesUnchanged() throws IOException {
        ConfigMap policies = generated(base, ConfigMap.class, "policy-gate-policies");
        try (Stream<Path> shipped = Files.list(Path.of("policies"))) {
            List<String> files = shipped.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.endsWith(".test.yaml"))
                    .sorted()
                    .toList();
            assertEquals(files, policies.getData().keySet().stream().sorted().toList());
            for (String file : files) {
                assertEquals(
                        Files.readString(Path.of("policies", file)),
                        policies.getData().get(file),
                        file + " differs from policies/");
            }
        }
    }

    @Test
    void waiversComeFromTheirOwnConfigMapMountedAsThePolicyFoldersWaivers() {
        Deployment deployment = find(base, Deployment.class, "policy-gate");
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);
        String waiversVolume = pod.getVolumes().stream()
                .filter(v -> v.getConfigMap() != null
                        && v.getConfigMap()
                                .getName()
                                .equals(generated(base, ConfigMap.class, "policy-gate-waivers")
                                        .getMetadata()
                                        .getName()))
                .findFirst()
                .orElseThrow()
                .getName();
        assertEquals(
                env(container, "POLICY_GATE_POLICIES_DIR").getValue() + "/waivers",
                container.getVolumeMounts().stream()
                        .filter(m -> m.getName().equals(waiversVolume))
                        .findFirst()
                        .orElseThrow()
                        .getMountPath());
    }

    @Test
    void theMonitoringComponentScrapesEveryReplicaThroughTheServiceAndAlertsAsTheDocsSuggest() {
        Service service = find(monitored, Service.class, "policy-gate");
        ServiceMonitor monitor = find(monitored, ServiceMonitor.class, "policy-gate");
        assertEquals(
                service.getMetadata().getLabels().get("app.kubernetes.io/name"),
                monitor.getSpec().getSelector().getMatchLabels().get("app.kubernetes.io/name"),
                "the ServiceMonitor selects policy-gate's Service");
        assertEquals(
                List.of("policy-gate"), monitor.getSpec().getNamespaceSelector().getMatchNames());
        assertEquals(
                service.getSpec().getPorts().get(0).getName(),
                monitor.getSpec().getEndpoints().get(0).getPort(),
                "it scrapes the port the NetworkPolicy opens");
        assertEquals("/q/metrics", monitor.getSpec().getEndpoints().get(0).getPath());
        PrometheusRule rule = find(monitored, PrometheusRule.class, "policy-gate");
        assertEquals("policy-gate", rule.getMetadata().getNamespace());
        assertTrue(
                rule.getSpec().getGroups().get(0).getRules().stream()
                        .allMatch(r -> r.getAnnotations().containsKey("runbook")),
                "every alert has its runbook line");
        assertEquals(base.size() + 2, monitored.size(), "the component adds the two objects, and changes nothing else");
    }

    @Test
    void thePolicyRepositoryOverlayReadsThePoliciesFromGitLabThroughTheEgressTheBaseAllows() {
        Container container = find(policyRepository, Deployment.class, "policy-gate")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        assertEquals(
                "compliance/policies",
                env(container, "POLICY_GATE_POLICIES_REPOSITORY").getValue());
        assertEquals("main", env(container, "POLICY_GATE_POLICIES_REF").getValue());
        assertTrue(
                container.getEnv().stream().noneMatch(e -> e.getName().equals("POLICY_GATE_POLICIES_DIR")),
                "no folder is read");
        assertTrue(
                container.getVolumeMounts().stream()
                        .noneMatch(m -> m.getMountPath().startsWith("/deployments/policies")),
                container.getVolumeMounts().toString());
        assertTrue(
                policyRepository.stream().noneMatch(ConfigMap.class::isInstance), "the ConfigMaps are not generated");
        assertEquals(
                find(base, NetworkPolicy.class, "policy-gate").getSpec().getEgress(),
                find(policyRepository, NetworkPolicy.class, "policy-gate")
                        .getSpec()
                        .getEgress(),
                "GitLab is reached as before: no egress more");
    }

    private static String password(List<HasMetadata> objects) {
        Secret secret = generated(objects, Secret.class, "policy-gate-db");
        return new String(Base64.getDecoder().decode(secret.getData().get("password")), StandardCharsets.UTF_8);
    }

    private static EnvVar env(Container container, String name) {
        return container.getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name));
    }
}
