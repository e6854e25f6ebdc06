package io.policygate.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.function.Predicate;

/**
 * The engine's answer for one merge request at one SHA, with every applicable policy's results.
 * {@code ifEnforced} is what it would be with every audited policy and rule enforced: a team watches the
 * two differ before it switches a policy from audit to enforce. {@code impact} is set only on the verdict on a merge
 * request of the policy repository: what the proposed policies would change elsewhere.
 */
public record Verdict(
        VerdictStatus status,
        VerdictStatus ifEnforced,
        String summary,
        List<PolicyResult> policies,
        @JsonInclude(JsonInclude.Include.NON_NULL) PolicyImpact impact) {

    public Verdict {
        policies = List.copyOf(policies);
        // Verdicts stored before audit was reported apart: derived from their policies.
        ifEnforced = ifEnforced != null
                ? ifEnforced
                : policies.stream().anyMatch(PolicyResult::failed) ? VerdictStatus.FAILED : status;
    }

    public Verdict(VerdictStatus status, VerdictStatus ifEnforced, String summary, List<PolicyResult> policies) {
        this(status, ifEnforced, summary, policies, null);
    }

    /** The waivers that excused a rule of this verdict, by id, each once. */
    public List<String> waiverIds() {
        return policies.stream().flatMap(p -> p.waiverIds().stream()).distinct().toList();
    }

    /** This verdict, with what the policy change it judged would do elsewhere. */
    public Verdict withImpact(PolicyImpact impact) {
        return new Verdict(status, ifEnforced, summary, policies, impact);
    }

    /** The verdict of the policies' results; {@code noPolicyVerdict} when there are none. */
    public static Verdict of(List<PolicyResult> policies, VerdictStatus noPolicyVerdict) {
        if (policies.isEmpty()) {
            return new Verdict(noPolicyVerdict, noPolicyVerdict, "no policy applies", policies);
        }
        List<String> blocking = names(policies, PolicyResult::blocking);
        List<String> auditFindings = names(policies, PolicyResult::failsOnlyInAudit);
        String audit = auditFindings.isEmpty() ? "" : "; audit only, would fail: " + String.join(", ", auditFindings);
        List<String> waivedPolicies = policies.stream()
                .filter(PolicyResult::waived)
                .map(p -> p.policy() + " (" + String.join(", ", p.waiverIds()) + ")")
                .toList();
        String waived = waivedPolicies.isEmpty() ? "" : "; waived: " + String.join(", ", waivedPolicies);
        VerdictStatus ifEnforced =
                blocking.isEmpty() && auditFindings.isEmpty() ? VerdictStatus.PASSED : VerdictStatus.FAILED;
        if (!blocking.isEmpty()) {
            return new Verdict(
                    VerdictStatus.FAILED,
                    ifEnforced,
                    "failed: " + String.join(", ", blocking) + audit + waived,
                    policies);
        }
        String summary = audit.isEmpty() && waived.isEmpty()
                ? "passed: " + String.join(", ", names(policies, p -> true))
                : "passed" + audit + waived;
        return new Verdict(VerdictStatus.PASSED, ifEnforced, summary, policies);
    }

    private static List<String> names(List<PolicyResult> policies, Predicate<PolicyResult> which) {
        return policies.stream().filter(which).map(PolicyResult::policy).toList();
    }
}
