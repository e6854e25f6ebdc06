package io.policygate.bench;

import io.policygate.event.MergeRequestEvent;
import io.policygate.event.MergeRequestEventParser;
import io.policygate.event.Parsed;
import io.policygate.policy.Approval;
import io.policygate.policy.Change;
import io.policygate.policy.CodeOwnerRule;
import io.policygate.policy.Commit;
import io.policygate.policy.MergeRequestData;
import io.policygate.policy.PolicyEngine;
import io.policygate.policy.PolicyLoader;
import io.policygate.policy.PolicySet;
import io.policygate.policy.Verdict;
import io.policygate.policy.VerdictStatus;
import io.policygate.policy.rules.RuleTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Evaluations per second of the shipped policy set (policies/) against GitLab's sample payload, with
 * the GitLab data in memory: the engine's cost alone. Run with bench/run-jmh.sh; not part of verify.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PolicyEvaluationBenchmark {

    /** sample: fails two policies; compliant: title with a ticket and the review label, all pass. */
    @Param({"sample", "compliant"})
    public String payload;

    private PolicySet policies;
    private PolicyEngine engine;
    private MergeRequestEvent event;
    private MergeRequestData data;

    @Setup
    public void load() throws IOException {
        policies = new PolicyLoader(RuleTypes.installed()).load(Path.of("policies"));
        engine = new PolicyEngine(VerdictStatus.PASSED);
        String file = payload.equals("sample") ? "status-check-sample.json" : "status-check-compliant.json";
        byte[] body = Files.readAllBytes(Path.of("src/test/resources/payloads", file));
        event = ((Parsed.Actionable<MergeRequestEvent>) MergeRequestEventParser.parse(body, OptionalLong.empty()))
                .value();
        List<Change> changes =
                List.of(new Change("README.md", "README.md", false, false, false, "@@ -1 +1 @@\n-a\n+b\n"));
        List<Commit> commits = List.of(new Commit(
                "141be9714669a4c1ccaa013c6a7f3e462ff2a40f",
                "Update README.md",
                "Update README.md",
                "Administrator",
                "admin@example.com"));
        data = new MergeRequestData() {
            @Override
            public List<Change> changes() {
                return changes;
            }

            @Override
            public List<Commit> commits() {
                return commits;
            }

            @Override
            public String authorUsername() {
                return "root";
            }

            @Override
            public List<Approval> approvals() {
                return List.of();
            }

            @Override
            public List<CodeOwnerRule> codeOwnerRules() {
                return List.of();
            }

            @Override
            public java.util.Set<String> groupMembers(String group) {
                return java.util.Set.of();
            }
        };
    }

    @Benchmark
    public Verdict evaluate() {
        return engine.evaluate(policies, event, data, java.time.Instant.parse("2026-12-03T12:00:00Z"));
    }
}
