package io.policygate.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.journal.EvaluationRecords;
import io.policygate.journal.MergeRecords;
import io.policygate.policy.ActivePolicies;
import io.policygate.policy.WaiverStanding;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a compliance team looks at first: verdicts per day, the rules that fail most, the verdicts waivers excused a
 * rule of and the forged statuses caught, over the last {@link #DAYS} days (UTC), counted while the journal is read;
 * and the waivers in force now.
 */
@ApplicationScoped
public class ComplianceOverview {

    public static final int DAYS = 30;
    private static final int RULES_SHOWN = 10;

    /** One day's verdicts, and the merges of covered projects that day, of which {@code ungated} without a pass. */
    public record Day(LocalDate day, long passed, long failed, long merges, long ungated) {
        public long total() {
            return passed + failed;
        }
    }

    /** A policy's rule and how often it failed an evaluation it applied to. */
    public record FailingRule(String policy, String rule, long failures) {}

    /** {@code waivers}: the waivers in force today (expiring ones included), soonest to expire first. */
    public record Overview(
            List<Day> days,
            List<FailingRule> failingRules,
            long evaluations,
            long failed,
            long waived,
            long tampered,
            long merges,
            long ungated,
            List<WaiverStanding> waivers) {}

    private final EvaluationRecords records;
    private final MergeRecords mergeRecords;
    private final ObjectMapper json;
    private final Clock clock;
    private final ActivePolicies policies;

    @Inject
    public ComplianceOverview(
            EvaluationRecords records,
            MergeRecords mergeRecords,
            ObjectMapper json,
            Clock clock,
            ActivePolicies policies) {
        this.records = records;
        this.mergeRecords = mergeRecords;
        this.policies = policies;
        this.json = json;
        this.clock = clock;
    }

    public Overview overview() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate first = today.minusDays(DAYS - 1);
        long[] passed = new long[DAYS];
        long[] failed = new long[DAYS];
        long[] tampered = new long[1];
        long[] waived = new long[1];
        Map<String, Long> ruleFailures = new HashMap<>();
        records.decidedSince(first.atStartOfDay(ZoneOffset.UTC).toInstant(), decided -> {
            int day = (int)
                    (LocalDate.ofInstant(decided.createdAt(), ZoneOffset.UTC).toEpochDay() - first.toEpochDay());
            if (day < 0 || day >= DAYS) {
                return;
            }
            if ("failed".equals(decided.verdict())) {
                failed[day]++;
                countFailedRules(decided.verdictDetail(), ruleFailures);
            } else {
                passed[day]++;
            }
            if (decided.tampered()) {
                tampered[0]++;
            }
            if (decided.waived()) {
                waived[0]++;
            }
        });
        long[] merges = new long[DAYS];
        long[] ungated = new long[DAYS];
        mergeRecords.export(first.atStartOfDay(ZoneOffset.UTC).toInstant(), clock.instant(), merge -> {
            int day =
                    (int) (LocalDate.ofInstant(merge.mergedAt(), ZoneOffset.UTC).toEpochDay() - first.toEpochDay());
            if (day >= 0 && day < DAYS) {
                merges[day]++;
                ungated[day] += merge.gated() ? 0 : 1;
            }
        });
        List<Day> days = new ArrayList<>();
        long total = 0;
        long totalFailed = 0;
        long totalMerges = 0;
        long totalUngated = 0;
        for (int i = 0; i < DAYS; i++) {
            days.add(new Day(first.plusDays(i), passed[i], failed[i], merges[i], ungated[i]));
            total += passed[i] + failed[i];
            totalFailed += failed[i];
            totalMerges += merges[i];
            totalUngated += ungated[i];
        }
        List<FailingRule> rules = ruleFailures.entrySet().stream()
                .map(e -> {
                    String[] key = e.getKey().split("\u0000", 2);
                    return new FailingRule(key[0], key[1], e.getValue());
                })
                .sorted(Comparator.comparingLong(FailingRule::failures)
                        .reversed()
                        .thenComparing(FailingRule::policy)
                        .thenComparing(FailingRule::rule))
                .limit(RULES_SHOWN)
                .toList();
        List<WaiverStanding> inForce = policies.waiverStandings().stream()
                .filter(w -> w.state().equals("in-force") || w.state().equals("expiring"))
                .toList();
        return new Overview(
                days, rules, total, totalFailed, waived[0], tampered[0], totalMerges, totalUngated, inForce);
    }

    /** The enforced rules that failed in a verdict (audited ones do not fail a merge request). */
    private void countFailedRules(String verdictDetail, Map<String, Long> counts) {
        if (verdictDetail == null) {
            return;
        }
        try {
            for (JsonNode policy : json.readTree(verdictDetail).path("policies")) {
                for (JsonNode rule : policy.path("rules")) {
                    String outcome = rule.path("outcome").asText();
                    if (("failed".equals(outcome) || "error".equals(outcome))
                            && !"audit".equals(rule.path("mode").asText())) {
                        counts.merge(
                                policy.path("policy").asText() + "\u0000"
                                        + rule.path("type").asText(),
                                1L,
                                Long::sum);
                    }
                }
            }
        } catch (JsonProcessingException e) {
            // A verdict the journal cannot read back is not counted; the evaluation's page says what it holds.
        }
    }
}
