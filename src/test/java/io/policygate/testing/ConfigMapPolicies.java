package io.policygate.testing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A policy folder laid out as Kubernetes mounts a ConfigMap: the files live in a timestamped folder,
 * {@code ..data} links to it, and each visible file links through {@code ..data}. An update writes a new
 * folder and swaps {@code ..data} atomically. Injected into fields annotated {@link InjectPolicyDir}.
 */
public class ConfigMapPolicies implements QuarkusTestResourceLifecycleManager {

    private Path dir;
    private int generation;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("policy-gate-configmap");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        publish(Map.of("policy.yaml", "name: first\nrules:\n  - type: expression\n    expr: 'true'\n"));
        return Map.of("policy-gate.policies.dir", dir.toString(), "policy-gate.policies.reload-every", "1s");
    }

    /** Publishes a new version of the ConfigMap the way the kubelet does. */
    public void publish(Map<String, String> files) {
        try {
            Path version = dir.resolve("..2026_11_24_" + (++generation));
            Files.createDirectory(version);
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path written = version.resolve(file.getKey());
                Files.createDirectories(written.getParent());
                Files.writeString(written, file.getValue());
            }
            Path next = dir.resolve("..data_tmp");
            Files.deleteIfExists(next);
            Files.createSymbolicLink(next, version.getFileName());
            Files.move(
                    next, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            // A file in a folder (a ConfigMap item's path "waivers/w.yaml") is seen through a link to the folder.
            for (String name : files.keySet()) {
                String top = name.split("/", 2)[0];
                Path visible = dir.resolve(top);
                if (!Files.isSymbolicLink(visible)) {
                    Files.createSymbolicLink(visible, Path.of("..data", top));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Publishes a valid set and waits until the service has it in force (its files' hashes in /api/v1/policies). */
    public void publishAndAwait(Map<String, String> files) {
        publish(files);
        List<String> expected =
                files.values().stream().map(ConfigMapPolicies::sha256).sorted().toList();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> given()
                        .header("Authorization", "Bearer test-api-token")
                        .get("/api/v1/policies")
                        .then()
                        .extract()
                        .<List<String>>path("files.sha256")
                        .stream()
                        .sorted()
                        .toList()
                        .equals(expected));
    }

    /** The shipped policy files of {@code policies/}, by file name. */
    public static Map<String, String> shipped(String... names) {
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : names) {
            try {
                files.put(name, Files.readString(Path.of("policies", name)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(
                this, new TestInjector.AnnotatedAndMatchesType(InjectPolicyDir.class, ConfigMapPolicies.class));
    }

    @Override
    public void stop() {
        // The temporary folder is left for diagnosis; it holds a few bytes.
    }
}
