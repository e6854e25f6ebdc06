package io.policygate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.policygate.event.InvalidPayloadException;
import io.policygate.event.MergeRequestEvent;
import io.policygate.event.MergeRequestEventParser;
import io.policygate.event.Parsed;
import io.policygate.policy.Change;
import io.policygate.policy.Commit;
import io.policygate.policy.DataUnavailableException;
import io.policygate.policy.MergeRequestData;
import io.policygate.policy.Policy;
import io.policygate.policy.PolicyEngine;
import io.policygate.policy.PolicyResult;
import io.policygate.policy.PolicySet;
import io.policygate.policy.RuleResult;
import io.policygate.policy.Verdict;
import io.policygate.policy.VerdictStatus;
import io.policygate.text.Suggestions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code test [DIR]}: validates the policies in DIR, then runs every case of every {@code *.test.yaml}
 * in DIR against them, offline: what GitLab would answer (changes, commits, author) comes from the case.
 */
@Command(
        name = "test",
        mixinStandardHelpOptions = true,
        description = "Validates the policies in DIR, then runs every case of every *.test.yaml in DIR against them,"
                + " offline: what GitLab would answer comes from the case. Exit 0 when every case passes, 1 otherwise.")
final class TestCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NO_SHA = "0".repeat(40);
    /** Payloads of plain project webhooks carry no status check; tests report on check 1. */
    private static final OptionalLong TEST_CHECK_ID = OptionalLong.of(1);

    private final PrintStream out;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "DIR",
            defaultValue = "policies",
            description = "the policy folder with its *.test.yaml files (default: ${DEFAULT-VALUE})")
    Path dir;

    @Mixin
    WaiverLimitOption waiverLimit = new WaiverLimitOption();

    TestCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        Optional<PolicySet> policies = ValidateCommand.load(dir, waiverLimit.days, out);
        if (policies.isEmpty()) {
            return 1;
        }
        List<Path> files = testFiles(dir);
        if (files.isEmpty()) {
            out.println("no *.test.yaml files in " + dir + ": nothing was tested");
            return 1;
        }
        PolicyEngine engine = new PolicyEngine(VerdictStatus.PASSED);
        int passed = 0;
        int failed = 0;
        for (Path file : files) {
            PolicyTestFile tests;
            try {
                tests = PolicyTestFile.read(file);
            } catch (PolicyTestFile.InvalidTestFile e) {
                e.mistakes().forEach(mistake -> out.println("ERROR " + mistake));
                failed++;
                continue;
            }
            for (PolicyTestFile.Case testCase : tests.cases()) {
                List<String> problems = run(engine, policies.get(), file, testCase);
                String where = file + ":" + testCase.line() + ": ";
                if (problems.isEmpty()) {
                    passed++;
                    out.println("PASS " + where + testCase.name());
                } else {
                    failed++;
                    out.println("FAIL " + where + testCase.name());
                    problems.forEach(p -> out.println("    " + p));
                }
            }
        }
        out.printf("%d passed, %d failed%n", passed, failed);
        return failed == 0 ? 0 : 1;
    }

    private static List<Path> testFiles(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().matches("[^.].*\\.test\\.ya?ml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private List<String> run(PolicyEngine engine, PolicySet policies, Path file, PolicyTestFile.Case testCase) {
        Parsed<MergeRequestEvent> parsed;
        try {
            parsed = MergeRequestEventParser.parse(payload(file, testCase), TEST_CHECK_ID);
        } catch (IOException e) {
            return List.of("payload " + testCase.payload() + " cannot be read: " + e.getMessage());
        } catch (InvalidPayloadException e) {
            return List.of("payload is invalid: " + e.field() + " " + e.getMessage());
        }
        if (parsed instanceof Parsed.Ignored<MergeRequestEvent> ignored) {
            return List.of("policy-gate ignores this payload: " + ignored.reason());
        }
        LocalDate on = testCase.date() == null ? LocalDate.now(ZoneOffset.UTC) : testCase.date();
        Verdict verdict = engine.evaluate(
                policies, ((Parsed.Actionable<MergeRequestEvent>) parsed).value(), new CaseData(testCase), on);
        return compare(testCase.expect(), verdict, policies);
    }

    /** The payload file (relative to the test file) with the case's overrides applied. */
    private static byte[] payload(Path file, PolicyTestFile.Case testCase) throws IOException {
        Path path = file.getParent() == null
                ? Path.of(testCase.payload())
                : file.getParent().resolve(testCase.payload());
        JsonNode root = JSON.readTree(Files.readAllBytes(path));
        if (root instanceof ObjectNode object) {
            if (testCase.set() != null) {
                testCase.set().forEach((dotted, value) -> set(object, dotted, value));
            }
            if (testCase.labels() != null) {
                ArrayNode labels = JSON.createArrayNode();
                testCase.labels().forEach(l -> labels.addObject().put("title", l));
                set(object, "object_attributes.labels", labels);
            }
        }
        return JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
    }

    private static void set(ObjectNode root, String dotted, JsonNode value) {
        String[] parts = dotted.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            node = node.get(parts[i]) instanceof ObjectNode child ? child : node.putObject(parts[i]);
        }
        node.set(parts[parts.length - 1], value);
    }

    private static List<String> compare(PolicyTestFile.Expect expect, Verdict verdict, PolicySet policies) {
        List<String> names = policies.policies().stream().map(Policy::name).toList();
        List<String> problems = new ArrayList<>();
        if (!expect.verdict().equals(verdict.status().wireName())) {
            problems.add("expected verdict " + expect.verdict() + ", got "
                    + verdict.status().wireName() + " (" + verdict.summary() + ")");
        }
        if (expect.policies() != null) {
            for (Map.Entry<String, String> wanted : expect.policies().entrySet()) {
                if (!names.contains(wanted.getKey())) {
                    problems.add("expected policy " + wanted.getKey() + " " + wanted.getValue()
                            + ", but no policy file defines a policy of that name"
                            + Suggestions.closest(wanted.getKey(), names)
                                    .map(name -> " (did you mean " + name + "?)")
                                    .orElse("")
                            + "; the policies: " + String.join(", ", names));
                    continue;
                }
                String actual = verdict.policies().stream()
                        .filter(p -> p.policy().equals(wanted.getKey()))
                        .findFirst()
                        .map(p -> p.failed() ? "failed" : p.waived() ? "waived" : "passed")
                        .orElse("not-applicable");
                if (!actual.equals(wanted.getValue())) {
                    problems.add("expected policy " + wanted.getKey() + " " + wanted.getValue() + ", got " + actual);
                }
            }
        }
        List<String> messages = verdict.policies().stream()
                .flatMap(p -> p.rules().stream())
                .filter(r -> r.outcome().blocks())
                .map(RuleResult::message)
                .toList();
        for (String wanted : expect.messages() == null ? List.<String>of() : expect.messages()) {
            if (messages.stream().noneMatch(m -> m.contains(wanted))) {
                problems.add("expected a message containing '" + wanted + "'");
            }
        }
        if (expect.waivers() != null && !new TreeSet<>(expect.waivers()).equals(new TreeSet<>(verdict.waiverIds()))) {
            problems.add("expected waivers " + expect.waivers() + " to excuse a rule, got " + verdict.waiverIds());
        }
        if (!problems.isEmpty()) {
            for (PolicyResult policy : verdict.policies()) {
                Map<String, Long> ofType =
                        policy.rules().stream().collect(Collectors.groupingBy(RuleResult::type, Collectors.counting()));
                Map<String, Integer> seen = new java.util.HashMap<>();
                for (RuleResult rule : policy.rules()) {
                    // Two rules of one type in a policy are told apart by their place among that type's rules.
                    int nth = seen.merge(rule.type(), 1, Integer::sum);
                    String name = ofType.get(rule.type()) > 1 ? rule.type() + " #" + nth : rule.type();
                    problems.add(policy.policy() + " / " + name + ": "
                            + rule.outcome().wireName()
                            + (rule.waiver() == null
                                    ? ""
                                    : " by " + rule.waiver().id() + " ("
                                            + rule.waiver().outcome().wireName() + ")")
                            + ": " + rule.message());
                }
            }
        }
        return problems;
    }

    /** What GitLab would answer, as the case states it; asking for what it does not state is an error. */
    private record CaseData(PolicyTestFile.Case testCase) implements MergeRequestData {
        @Override
        public List<Change> changes() {
            if (testCase.changes() == null) {
                throw new DataUnavailableException("the test case gives no changes (add changes: to it)");
            }
            return testCase.changes().stream()
                    .map(c -> new Change(
                            c.path(),
                            c.oldPath() == null ? c.path() : c.oldPath(),
                            Boolean.TRUE.equals(c.added()),
                            Boolean.TRUE.equals(c.deleted()),
                            Boolean.TRUE.equals(c.renamed()),
                            c.diff() == null ? "" : c.diff()))
                    .toList();
        }

        @Override
        public List<Commit> commits() {
            if (testCase.commits() == null) {
                throw new DataUnavailableException("the test case gives no commits (add commits: to it)");
            }
            return testCase.commits().stream()
                    .map(c -> new Commit(
                            c.sha() == null ? NO_SHA : c.sha(),
                            c.message() == null
                                    ? ""
                                    : c.message().lines().findFirst().orElse(""),
                            c.message() == null ? "" : c.message(),
                            c.authorName() == null ? "" : c.authorName(),
                            c.authorEmail() == null ? "" : c.authorEmail()))
                    .toList();
        }

        @Override
        public String authorUsername() {
            if (testCase.author() == null) {
                throw new DataUnavailableException("the test case gives no author (add author: to it)");
            }
            return testCase.author();
        }
    }
}
