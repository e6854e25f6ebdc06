package io.policygate.policy;

import java.util.List;
import java.util.function.Predicate;

/** The engine's answer for one merge request at one SHA, with every applicable policy's results. */
public record Verdict(VerdictStatus status, String summary, List<PolicyResult> policies) {

    public Verdict {
        policies = List.copyOf(policies);
    }

    static Verdict of(List<PolicyResult> policies, VerdictStatus noPolicyVerdict) {
        if (policies.isEmpty()) {
            return new Verdict(noPolicyVerdict, "no policy applies", policies);
        }
        List<String> blocking = names(policies, PolicyResult::blocksMerge);
        if (!blocking.isEmpty()) {
            return new Verdict(VerdictStatus.FAILED, "failed: " + String.join(", ", blocking), policies);
        }
        List<String> auditFindings = names(policies, PolicyResult::failed);
        String summary = auditFindings.isEmpty()
                ? "passed: " + String.join(", ", names(policies, p -> true))
                : "passed; audit only, would fail: " + String.join(", ", auditFindings);
        return new Verdict(VerdictStatus.PASSED, summary, policies);
    }

    private static List<String> names(List<PolicyResult> policies, Predicate<PolicyResult> which) {
        return policies.stream().filter(which).map(PolicyResult::policy).toList();
    }
}
