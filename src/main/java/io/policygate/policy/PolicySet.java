package io.policygate.policy;

import java.util.List;

/** Every policy loaded from one directory, in file order, with the files' content hashes. */
public record PolicySet(List<Policy> policies, List<PolicyFile> files) {

    public static final PolicySet EMPTY = new PolicySet(List.of(), List.of());

    public PolicySet {
        policies = List.copyOf(policies);
        files = List.copyOf(files);
    }

    /** A loaded file and the SHA-256 of its bytes, so a verdict can say which policy version decided it. */
    public record PolicyFile(String path, String sha256) {
    }
}
