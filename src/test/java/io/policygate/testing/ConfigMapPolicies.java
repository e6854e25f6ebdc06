package io.policygate.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
                Files.writeString(version.resolve(file.getKey()), file.getValue());
            }
            Path next = dir.resolve("..data_tmp");
            Files.deleteIfExists(next);
            Files.createSymbolicLink(next, version.getFileName());
            Files.move(next, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            for (String name : files.keySet()) {
                Path visible = dir.resolve(name);
                if (!Files.isSymbolicLink(visible)) {
                    Files.createSymbolicLink(visible, Path.of("..data", name));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(this,
                new TestInjector.AnnotatedAndMatchesType(InjectPolicyDir.class, ConfigMapPolicies.class));
    }

    @Override
    public void stop() {
        // The temporary folder is left for diagnosis; it holds a few bytes.
    }
}
