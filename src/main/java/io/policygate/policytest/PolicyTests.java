package io.policygate.policytest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.policygate.event.InvalidPayloadException;
import io.policygate.event.MergeRequestEvent;
import io.policygate.event.MergeRequestEventParser;
import io.policygate.event.Parsed;
import io.policygate.policy.Approval;
import io.policygate.policy.Change;
import io.policygate.policy.CodeOwnerRule;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Runs the cases of policy test files ({@code *.test.yaml}, format in docs/policies.md, "Testing policies") against a
 * policy set, offline: what GitLab would answer (changes, commits, author) comes from each case. The files come from
 * wherever the caller reads them: a folder ({@code test}), or a policy repository at a merge request's commit (the
 * review of a policy change).
 */
public final class PolicyTests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NO_SHA = "0".repeat(40);
    /** Payloads of plain project webhooks carry no status check; tests report on check 1. */
    private static final OptionalLong TEST_CHECK_ID = OptionalLong.of(1);

    private PolicyTests() {}

    /** Reads a file by the name a test file gives it, relative names resolved against the test file's folder. */
    @FunctionalInterface
    public interface Files {
        byte[] read(String name) throws IOException;
    }

    /** One case's outcome: no problems is a pass. */
    public record CaseResult(String file, int line, String name, List<String> problems) {
        public boolean passed() {
            return problems.isEmpty();
        }

        /** {@code file:line: } where the case is written. */
        public String where() {
            return file + ":" + line + ": ";
        }
    }

    /** Every case run, and every test file that could not be read as one, each mistake naming file, line and field. */
    public record Results(List<CaseResult> cases, List<String> invalidFiles) {

        public long passed() {
            return cases.stream().filter(CaseResult::passed).count();
        }

        /** Cases that failed, and test files that could not be read (each counts once). */
        public long failed() {
            return cases.size() - passed() + invalidFiles.size();
        }
    }

    /** Whether a file's name is a test file's: {@code NAME.test.yaml} or {@code .yml}, not hidden. */
    public static boolean isTestFileName(String name) {
        return name.matches("[^.].*\\.test\\.ya?ml");
    }

    /** The cases of {@code testFiles} (names {@code files} reads, in the order given), run against {@code policies}. */
    public static Results run(PolicySet policies, List<String> testFiles, Files files, Instant now) {
        PolicyEngine engine = new PolicyEngine(VerdictStatus.PASSED);
        List<CaseResult> cases = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (String file : testFiles) {
            PolicyTestFile tests;
            try {
                tests = PolicyTestFile.read(file, files.read(file));
            } catch (PolicyTestFile.InvalidTestFile e) {
                invalid.add(String.join("\n", e.mistakes()));
                continue;
            } catch (IOException e) {
                invalid.add(file + ": cannot read: " + e.getMessage());
                continue;
            }
            for (PolicyTestFile.Case testCase : tests.cases()) {
                cases.add(new CaseResult(
                        file, testCase.line(), testCase.name(), run(engine, policies, file, testCase, files, now)));
            }
        }
        return new Results(cases, invalid);
    }

    private static List<String> run(
            PolicyEngine engine,
            PolicySet policies,
            String file,
            PolicyTestFile.Case testCase,
            Files files,
            Instant now) {
        Parsed<MergeRequestEvent> parsed;
        try {
            parsed = MergeRequestEventParser.parse(payload(file, testCase, files), TEST_CHECK_ID);
        } catch (IOException e) {
            return List.of("payload " + testCase.payload() + " cannot be read: " + e.getMessage());
        } catch (InvalidPayloadException e) {
            return List.of("payload is invalid: " + e.field() + " " + e.getMessage());
        }
        if (parsed instanceof Parsed.Ignored<MergeRequestEvent> ignored) {
            return List.of("policy-gate ignores this payload: " + ignored.reason());
        }
        // A case's now, else noon (UTC) of its date, else the run's time.
        Instant at = testCase.now() != null
                ? testCase.now()
                : testCase.date() != null ? testCase.date().atTime(12, 0).toInstant(ZoneOffset.UTC) : now;
        Verdict verdict = engine.evaluate(
                policies, ((Parsed.Actionable<MergeRequestEvent>) parsed).value(), new CaseData(testCase), at);
        return compare(testCase.expect(), verdict, policies);
    }

    /** The payload file (relative to the test file) with the case's overrides applied. */
    private static byte[] payload(String file, PolicyTestFile.Case testCase, Files files) throws IOException {
        JsonNode root = JSON.readTree(files.read(besides(file, testCase.payload())));
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

    /** {@code relative} in the folder of {@code file}, with "/" between names whatever the platform. */
    static String besides(String file, String relative) {
        Path parent = Path.of(file).getParent();
        Path resolved = parent == null ? Path.of(relative) : parent.resolve(relative);
        return resolved.normalize().toString().replace('\\', '/');
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
            problems.addAll(everyRule(verdict));
        }
        return problems;
    }

    /** Every rule's result, so that a failing case shows what the policies did. */
    private static List<String> everyRule(Verdict verdict) {
        List<String> lines = new ArrayList<>();
        for (PolicyResult policy : verdict.policies()) {
            Map<String, Long> ofType =
                    policy.rules().stream().collect(Collectors.groupingBy(RuleResult::type, Collectors.counting()));
            Map<String, Integer> seen = new HashMap<>();
            for (RuleResult rule : policy.rules()) {
                // Two rules of one type in a policy are told apart by their place among that type's rules.
                int nth = seen.merge(rule.type(), 1, Integer::sum);
                String name = ofType.get(rule.type()) > 1 ? rule.type() + " #" + nth : rule.type();
                lines.add(policy.policy() + " / " + name + ": "
                        + rule.outcome().wireName()
                        + (rule.waiver() == null
                                ? ""
                                : " by " + rule.waiver().id() + " ("
                                        + rule.waiver().outcome().wireName() + ")")
                        + ": " + rule.message());
            }
        }
        return lines;
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

        @Override
        public List<Approval> approvals() {
            if (testCase.approvals() == null) {
                throw new DataUnavailableException("the test case gives no approvals (add approvals: to it)");
            }
            return testCase.approvals().stream()
                    .map(a -> new Approval(
                            a.username(),
                            a.name() == null ? "" : a.name(),
                            a.at() == null ? null : OffsetDateTime.parse(a.at()).toInstant()))
                    .toList();
        }

        @Override
        public List<CodeOwnerRule> codeOwnerRules() {
            if (testCase.codeOwners() == null) {
                throw new DataUnavailableException("the test case gives no code-owner rules (add codeOwners: to it)");
            }
            return testCase.codeOwners().stream()
                    .map(c -> new CodeOwnerRule(c.name(), Boolean.TRUE.equals(c.approved())))
                    .toList();
        }

        @Override
        public Set<String> groupMembers(String group) {
            List<String> members =
                    testCase.groups() == null ? null : testCase.groups().get(group);
            if (members == null) {
                throw new DataUnavailableException(
                        "the test case gives no members of group " + group + " (add groups: {" + group + ": [...]})");
            }
            return Set.copyOf(members);
        }
    }
}
