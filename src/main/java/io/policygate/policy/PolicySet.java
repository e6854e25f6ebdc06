package io.policygate.policy;

import io.policygate.policy.rules.OutboundCall;
import java.util.List;

/** Every policy loaded from one directory, in file order, with the files' content hashes. */
public record PolicySet(List<Policy> policies, List<PolicyFile> files) {

    public static final PolicySet EMPTY = new PolicySet(List.of(), List.of());

    public PolicySet {
        policies = List.copyOf(policies);
        files = List.copyOf(files);
    }

    /** Every call the set's rules make to other services, with the secrets they send. */
    public List<OutboundCall> outboundCalls() {
        return policies.stream()
                .flatMap(p -> p.rules().stream())
                .flatMap(r -> r.rule().outboundCalls().stream())
                .toList();
    }

    /** A loaded file and the SHA-256 of its bytes, so a verdict can say which policy version decided it. */
    public record PolicyFile(String path, String sha256) {}
}
