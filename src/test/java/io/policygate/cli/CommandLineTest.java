package io.policygate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** validate and test as a policy repository's CI runs them. */
class CommandLineTest {

    @TempDir
    Path dir;

    private record Run(int exit, String output) {}

    private static Run run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = PolicyGateMain.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(exit, bytes.toString(StandardCharsets.UTF_8));
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
    }

    private void payload() throws IOException {
        Files.copy(Path.of("policies/testdata/status-check-sample.json"), dir.resolve("sample.json"));
    }

    @Test
    void shippedPoliciesValidateAndTheirTestsPass() {
        Run validate = run("validate", "policies");
        assertEquals(0, validate.exit(), validate.output());
        assertEquals("OK: 3 policies in 3 files in policies\n", validate.output());

        Run test = run("test", "policies");
        assertEquals(0, test.exit(), test.output());
        assertTrue(test.output().matches("(?s).*\\n[1-9][0-9]* passed, 0 failed\\n"), test.output());
    }

    @Test
    void validateListsEveryErrorWithFileAndLine() throws IOException {
        write("a.yaml", "name: a\nrules:\n  - type: ticket\n    pattern: '[A-Z'\n");
        write("b.yaml", "name: b\nrules:\n  - type: nope\n");

        Run run = run("validate", dir.toString());

        assertEquals(1, run.exit());
        assertTrue(
                run.output().contains(dir.resolve("a.yaml") + ":4: rules[0].pattern: invalid regular expression"),
                run.output());
        assertTrue(
                run.output().contains(dir.resolve("b.yaml") + ":3: rules[0].type: unknown rule type 'nope'"),
                run.output());
        assertTrue(run.output().endsWith("2 error(s) in " + dir + "\n"), run.output());
    }

    @Test
    void aFailingCaseIsReportedWithItsLineAndTheRuleResults() throws IOException {
        payload();
        write("labels.yaml", "name: labelled\nrules:\n  - type: labels\n    require: [reviewed]\n");
        write("labels.test.yaml", """
                cases:
                  - name: labelled passes
                    payload: sample.json
                    labels: [reviewed]
                    expect: {verdict: passed}
                  - name: this expectation is wrong
                    payload: sample.json
                    expect:
                      verdict: passed
                      messages: [something else]
                """);

        Run run = run("test", dir.toString());

        assertEquals(1, run.exit(), run.output());
        assertTrue(
                run.output().contains("PASS " + dir.resolve("labels.test.yaml") + ":2: labelled passes"), run.output());
        assertTrue(
                run.output().contains("FAIL " + dir.resolve("labels.test.yaml") + ":6: this expectation is wrong"),
                run.output());
        assertTrue(run.output().contains("expected verdict passed, got failed (failed: labelled)"), run.output());
        assertTrue(run.output().contains("expected a message containing 'something else'"), run.output());
        assertTrue(run.output().contains("labelled / labels: failed: missing label reviewed"), run.output());
        assertTrue(run.output().endsWith("1 passed, 1 failed\n"), run.output());
    }

    @Test
    void aCaseThatNeedsGitLabDataItDoesNotGiveSaysSo() throws IOException {
        payload();
        write("size.yaml", "name: small\nrules:\n  - type: size\n    maxFiles: 1\n");
        write("size.test.yaml", "cases:\n  - name: n\n    payload: sample.json\n    expect: {verdict: passed}\n");

        Run run = run("test", dir.toString());

        assertEquals(1, run.exit());
        assertTrue(run.output().contains("the test case gives no changes (add changes: to it)"), run.output());
    }

    @Test
    void malformedTestFilesAndMissingTestsFail() throws IOException {
        write("p.yaml", "name: p\nrules:\n  - type: draft\n");
        Run none = run("test", dir.toString());
        assertEquals(1, none.exit());
        assertTrue(none.output().contains("no *.test.yaml files in " + dir), none.output());

        write("p.test.yaml", "cases:\n  - name: n\n    payload: x.json\n    expct: {verdict: passed}\n");
        Run bad = run("test", dir.toString());
        assertEquals(1, bad.exit());
        assertTrue(
                bad.output()
                        .contains("ERROR " + dir.resolve("p.test.yaml") + ":4: cases[0].expct: unknown field 'expct'"),
                bad.output());
    }

    @Test
    void everyCommandHasItsHelp() {
        Run all = run("--help");
        assertEquals(0, all.exit(), all.output());
        for (String command : new String[] {"validate", "test", "register", "preview", "help"}) {
            assertTrue(all.output().contains("  " + command), command + " in\n" + all.output());
        }
        Run validate = run("validate", "--help");
        assertEquals(0, validate.exit());
        assertTrue(
                validate.output().startsWith("Usage: java -jar policy-gate.jar validate [-hV] [DIR]"),
                validate.output());
        assertTrue(validate.output().contains("the policy folder (default: policies)"), validate.output());
        Run preview = run("help", "preview");
        assertEquals(0, preview.exit());
        assertTrue(
                preview.output().contains("--policies=DIR") && preview.output().contains("--timeout=SECONDS"),
                preview.output());
    }

    @Test
    void usageErrorsExitWith2() {
        assertEquals(2, run("lint").exit());
        assertEquals(2, run("validate", "a", "b").exit());
        assertEquals(2, run("test", "--verbose").exit());
        assertTrue(run("test", "--verbose").output().contains("Unknown option: '--verbose'"));
        assertEquals(0, run("help").exit());
    }
}
