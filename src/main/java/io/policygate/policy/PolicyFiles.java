package io.policygate.policy;

import io.policygate.digest.Sha256;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the policy and waiver files come from: a folder (policy-gate.policies.dir, the default) or a GitLab
 * repository at a commit (policy-gate.policies.repository). {@link ActivePolicies} asks {@link #version()} every
 * policy-gate.policies.reload-every, and reads the files only when it changed.
 */
public interface PolicyFiles {

    /** Where they come from, as people name it, for the log and the pages. */
    String source();

    /**
     * What the files are now, cheaply: a folder's names and content hashes, a repository's commit (one call to
     * GitLab). Equal versions have equal files.
     *
     * @throws PolicyLoadException when the source cannot be read now (the set in force stays)
     */
    String version();

    /**
     * The files at {@code version}, as {@link #version()} just gave it, by the names errors give them, with the errors
     * met reading them: the version is not asked again (for a repository, a second call to GitLab).
     *
     * @throws PolicyLoadException when the source cannot be read now (the set in force stays)
     */
    Snapshot read(String version);

    /**
     * Files at one version: {@code origin} names the source and, for a repository, the commit; {@code reviews}, for a
     * repository, the merge request that brought each waiver file in (by file).
     */
    record Snapshot(
            String version,
            PolicyOrigin origin,
            Map<String, byte[]> files,
            List<PolicyError> errors,
            Map<String, WaiverReview> reviews) {

        public Snapshot {
            reviews = Map.copyOf(reviews);
        }

        /** The files' names and content hashes. */
        public List<PolicySet.PolicyFile> fingerprint() {
            return new TreeMap<>(files)
                    .entrySet().stream()
                            .map(f -> new PolicySet.PolicyFile(f.getKey(), Sha256.hex(f.getValue())))
                            .toList();
        }
    }
}
