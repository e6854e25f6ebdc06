package io.policygate.policy;

import io.policygate.policy.cel.ConditionEvaluationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Evaluates a policy set against one merge request. Pure: it reads nothing but its arguments. */
public final class PolicyEngine {

    private final VerdictStatus noPolicyVerdict;

    public PolicyEngine(VerdictStatus noPolicyVerdict) {
        this.noPolicyVerdict = noPolicyVerdict;
    }

    /**
     * @param data where facts beyond the payload (changes, commits, author) are read from, on demand
     */
    public Verdict evaluate(PolicySet policies, MergeRequestContext mergeRequest, MergeRequestData data) {
        RuleContext context = new RuleContext(mergeRequest, data);
        List<PolicyResult> results = new ArrayList<>();
        for (Policy policy : policies.policies()) {
            boolean applies;
            try {
                applies = policy.appliesTo().selects(context);
            } catch (ConditionEvaluationException e) {
                // A `when` that cannot be decided must not silently exempt a merge request.
                results.add(PolicyResult.of(
                        policy,
                        List.of(RuleResult.error(
                                "appliesTo.when",
                                "could not decide whether this policy applies: " + e.getMessage(),
                                new Evidence(
                                        Map.of("error", e.getMessage()),
                                        policy.appliesTo().when().expression())))));
                continue;
            }
            if (applies) {
                results.add(PolicyResult.of(
                        policy,
                        policy.rules().stream().map(r -> r.evaluate(context)).toList()));
            }
        }
        return Verdict.of(results, noPolicyVerdict);
    }
}
