package io.policygate.policytest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.policygate.policy.YamlDocument;
import io.policygate.text.Suggestions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A policy test file ({@code *.test.yaml}): cases of a payload file, changes to it, what GitLab would
 * answer, and the expected verdict. Format in docs/policies.md, "Testing policies".
 */
record PolicyTestFile(String file, List<Case> cases) {

    /** What a case may expect of a policy. */
    private static final List<String> POLICY_RESULTS = List.of("passed", "failed", "waived", "not-applicable");

    private static final ObjectMapper BINDER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    record Case(
            int line,
            String name,
            String payload,
            Map<String, JsonNode> set,
            List<String> labels,
            List<ChangeSpec> changes,
            List<CommitSpec> commits,
            String author,
            LocalDate date,
            Instant now,
            List<ApprovalSpec> approvals,
            List<CodeOwnerSpec> codeOwners,
            Map<String, List<String>> groups,
            Expect expect) {}

    /** An approval as GitLab would list it: {@code at} an ISO-8601 time, optional. */
    record ApprovalSpec(String username, String name, String at) {}

    /** A code-owner rule GitLab would require, approved or not. */
    record CodeOwnerSpec(String name, Boolean approved) {}

    record ChangeSpec(String path, String oldPath, Boolean added, Boolean deleted, Boolean renamed, String diff) {}

    record CommitSpec(String sha, String message, String authorName, String authorEmail) {}

    record Expect(String verdict, Map<String, String> policies, List<String> messages, List<String> waivers) {}

    /** The fields of one case as written (line is filled in from the YAML; date is text until checked). */
    private record CaseFields(
            String name,
            String payload,
            Map<String, JsonNode> set,
            List<String> labels,
            List<ChangeSpec> changes,
            List<CommitSpec> commits,
            String author,
            String date,
            String now,
            List<ApprovalSpec> approvals,
            List<CodeOwnerSpec> codeOwners,
            Map<String, List<String>> groups,
            Expect expect) {}

    /** A test file that cannot be read as one: every mistake found, each naming file, line and field. */
    static final class InvalidTestFile extends Exception {
        private final List<String> mistakes;

        InvalidTestFile(String message) {
            this(List.of(message));
        }

        InvalidTestFile(List<String> mistakes) {
            super(String.join("\n", mistakes));
            this.mistakes = List.copyOf(mistakes);
        }

        List<String> mistakes() {
            return mistakes;
        }
    }

    /** The test file {@code file} (its name in errors) of {@code content}. */
    static PolicyTestFile read(String file, byte[] content) throws InvalidTestFile {
        List<YamlDocument> documents;
        try {
            documents = YamlDocument.readAll(new String(content, StandardCharsets.UTF_8));
        } catch (YamlDocument.SyntaxException e) {
            throw new InvalidTestFile(file + ":" + e.line + ": " + e.getMessage());
        }
        if (documents.size() != 1 || !documents.get(0).root().path("cases").isArray()) {
            throw new InvalidTestFile(file + ": a test file is one YAML document with a list of cases");
        }
        YamlDocument document = documents.get(0);
        JsonNode cases = document.root().get("cases");
        if (document.root().size() != 1) {
            throw new InvalidTestFile(file + ":" + document.line() + ": only 'cases' is allowed at the top");
        }
        List<Case> read = new ArrayList<>();
        List<String> mistakes = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            try {
                read.add(readCase(file, document, cases, i));
            } catch (InvalidTestFile e) {
                mistakes.addAll(e.mistakes());
            }
        }
        if (!mistakes.isEmpty()) {
            throw new InvalidTestFile(mistakes);
        }
        return new PolicyTestFile(file, read);
    }

    /** One case, or every mistake in it. */
    private static Case readCase(String file, YamlDocument document, JsonNode cases, int i) throws InvalidTestFile {
        String pointer = "/cases/" + i;
        CaseFields fields = bind(file, document, pointer, cases.get(i));
        String where = file + ":" + document.lineOf(pointer) + ": cases[" + i + "]";
        if (fields.name() == null
                || fields.payload() == null
                || fields.expect() == null
                || fields.expect().verdict() == null) {
            throw new InvalidTestFile(where + ": name, payload and expect.verdict are required");
        }
        if (!List.of("passed", "failed").contains(fields.expect().verdict())) {
            throw new InvalidTestFile(where + ".expect.verdict: must be passed or failed");
        }
        if (fields.expect().policies() != null) {
            for (Map.Entry<String, String> policy : fields.expect().policies().entrySet()) {
                if (!POLICY_RESULTS.contains(policy.getValue())) {
                    throw new InvalidTestFile(
                            where + ".expect.policies." + policy.getKey() + ": must be one of " + POLICY_RESULTS);
                }
            }
        }
        LocalDate date;
        try {
            date = fields.date() == null ? null : LocalDate.parse(fields.date());
        } catch (DateTimeParseException e) {
            throw new InvalidTestFile(where + ".date: '" + fields.date() + "' is not a date as YYYY-MM-DD");
        }
        if (fields.approvals() != null) {
            for (int a = 0; a < fields.approvals().size(); a++) {
                ApprovalSpec approval = fields.approvals().get(a);
                if (approval == null
                        || approval.username() == null
                        || approval.username().isBlank()) {
                    throw new InvalidTestFile(where + ".approvals[" + a + "].username: is required");
                }
                instant(approval.at(), where + ".approvals[" + a + "].at");
            }
        }
        return new Case(
                document.lineOf(pointer),
                fields.name(),
                fields.payload(),
                fields.set(),
                fields.labels(),
                fields.changes(),
                fields.commits(),
                fields.author(),
                date,
                instant(fields.now(), where + ".now"),
                fields.approvals(),
                fields.codeOwners(),
                fields.groups(),
                fields.expect());
    }

    /** An ISO-8601 time with its offset (2026-12-21T10:00:00+01:00, or Z), or null when not given. */
    static Instant instant(String text, String where) throws InvalidTestFile {
        try {
            return text == null ? null : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidTestFile(
                    where + ": '" + text + "' is not a time with its offset, e.g. 2026-12-21T10:00:00+01:00");
        }
    }

    private static CaseFields bind(String file, YamlDocument document, String pointer, JsonNode node)
            throws InvalidTestFile {
        try {
            return BINDER.treeToValue(node, CaseFields.class);
        } catch (UnrecognizedPropertyException e) {
            String at = pointer + YamlDocument.pointerOf(e);
            List<String> known = e.getKnownPropertyIds().stream()
                    .map(String::valueOf)
                    .sorted()
                    .toList();
            throw new InvalidTestFile(file + ":" + document.lineOf(at) + ": " + YamlDocument.fieldName(at)
                    + ": unknown field '" + e.getPropertyName() + "'"
                    + Suggestions.closest(e.getPropertyName(), known)
                            .map(name -> " (did you mean '" + name + "'?)")
                            .orElse("")
                    + "; known fields: " + String.join(", ", known));
        } catch (MismatchedInputException e) {
            String at = pointer + YamlDocument.pointerOf(e);
            throw new InvalidTestFile(
                    file + ":" + document.lineOf(at) + ": " + YamlDocument.fieldName(at) + ": wrong type");
        } catch (IOException e) {
            throw new InvalidTestFile(file + ":" + document.lineOf(pointer) + ": " + e.getMessage());
        }
    }
}
