package io.policygate.policy;

import io.policygate.policy.cel.ConditionEvaluationException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** Evaluates a policy set against one merge request. Pure: it reads nothing but its arguments. */
public final class PolicyEngine {

    private final VerdictStatus noPolicyVerdict;

    public PolicyEngine(VerdictStatus noPolicyVerdict) {
        this.noPolicyVerdict = noPolicyVerdict;
    }

    /**
     * @param data where facts beyond the payload (changes, commits, author) are read from, on demand
     * @param now the evaluation's time: its day (UTC) decides which waivers are in force, and change windows see it
     */
    public Verdict evaluate(PolicySet policies, MergeRequestContext mergeRequest, MergeRequestData data, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        RuleContext context = new RuleContext(mergeRequest, data, now);
        List<PolicyResult> results = new ArrayList<>();
        for (Policy policy : policies.policies()) {
            boolean applies;
            try {
                applies = policy.appliesTo().selects(context);
            } catch (ConditionEvaluationException e) {
                // A `when` that cannot be decided must not silently exempt a merge request.
                RuleResult undecided = RuleResult.error(
                        "appliesTo.when",
                        "could not decide whether this policy applies: " + e.getMessage(),
                        new Evidence(
                                Map.of("error", e.getMessage()),
                                policy.appliesTo().when().expression()));
                results.add(
                        PolicyResult.of(policy, List.of(policies.excused(policy, -1, mergeRequest, today, undecided))));
                continue;
            }
            if (applies) {
                List<PolicyRule> rules = policy.rules();
                results.add(PolicyResult.of(
                        policy,
                        IntStream.range(0, rules.size())
                                .mapToObj(i -> policies.excused(
                                        policy,
                                        i,
                                        mergeRequest,
                                        today,
                                        rules.get(i).evaluate(context)))
                                .toList()));
            }
        }
        return Verdict.of(results, noPolicyVerdict);
    }
}
