package io.policygate.policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The policy files of a folder, as Kubernetes mounts a ConfigMap: their version is their names and content hashes. */
public final class FolderPolicyFiles implements PolicyFiles {

    private final Path dir;

    public FolderPolicyFiles(Path dir) {
        this.dir = dir;
    }

    @Override
    public String source() {
        return dir.toString();
    }

    @Override
    public String version() {
        return PolicyFolder.fingerprint(dir).toString();
    }

    @Override
    public Snapshot read(String version) {
        List<PolicyError> errors = new ArrayList<>();
        return new Snapshot(
                version, PolicyOrigin.folder(dir.toString()), PolicyFolder.read(dir, errors), errors, Map.of());
    }
}
