package io.policygate.cli;

import static io.policygate.testing.CommandLineRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.testing.CommandLineRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** validate and test as a policy repository's CI runs them. */
class CommandLineTest {

    @TempDir
    Path dir;

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
    }

    private void payload() throws IOException {
        Files.copy(Path.of("policies/testdata/status-check-sample.json"), dir.resolve("sample.json"));
    }

    @Test
    void shippedPoliciesValidateAndTheirTestsPass() {
        CommandLineRun validate = run("validate", "policies");
        assertEquals(0, validate.exit(), validate.output());
        assertEquals("OK: 3 policies and 0 waivers in 3 files in policies\n", validate.output());

        CommandLineRun test = run("test", "policies");
        assertEquals(0, test.exit(), test.output());
        assertTrue(test.output().matches("(?s).*\\n[1-9][0-9]* passed, 0 failed\\n"), test.output());
    }

    @Test
    void validateListsEveryErrorWithFileAndLine() throws IOException {
        write("a.yaml", "name: a\nrules:\n  - type: ticket\n    pattern: '[A-Z'\n");
        write("b.yaml", "name: b\nrules:\n  - type: nope\n");

        CommandLineRun run = run("validate", dir.toString());

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

        CommandLineRun run = run("test", dir.toString());

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
    void aTestFileIsCheckedWholeAndItsMistakesSayWhatToWrite() throws IOException {
        payload();
        write(
                "labels.yaml",
                "name: db-migrations\nrules:\n  - type: labels\n    require: [reviewed]\n"
                        + "  - type: labels\n    require: [dba-approved]\n");
        write("labels.test.yaml", """
                cases:
                  - name: first
                    payload: sample.json
                    lables: [reviewed]
                    expect: {verdict: passed}
                  - name: second
                    payload: sample.json
                    expect: {verdict: maybe}
                """);

        CommandLineRun run = run("test", dir.toString());

        assertEquals(1, run.exit(), run.output());
        assertTrue(
                run.output()
                        .contains(":4: cases[0].lables: unknown field 'lables' (did you mean 'labels'?);"
                                + " known fields: "),
                run.output());
        assertTrue(
                run.output().contains("cases[1].expect.verdict: must be passed or failed"),
                "every mistake of the file in one run: " + run.output());

        write("labels.test.yaml", """
                cases:
                  - name: the policy's name misspelt
                    payload: sample.json
                    labels: [reviewed]
                    expect:
                      verdict: passed
                      policies: {db-migration: passed}
                """);
        run = run("test", dir.toString());
        assertTrue(
                run.output()
                        .contains("expected policy db-migration passed, but no policy file defines a policy of"
                                + " that name (did you mean db-migrations?); the policies: db-migrations"),
                run.output());
        assertTrue(run.output().contains("db-migrations / labels #1: passed"), run.output());
        assertTrue(
                run.output().contains("db-migrations / labels #2: failed: missing label dba-approved"), run.output());
    }

    private void waivedTicketPolicy() throws IOException {
        payload();
        write("ticket.yaml", "name: jira-ticket\nrules:\n  - type: ticket\n    in: [title]\n");
        Files.createDirectories(dir.resolve("waivers"));
        write("waivers/vendor.yaml", """
                id: W-2026-014
                policy: jira-ticket
                rule: ticket
                projects: ["flightjs/*"]
                reason: Vendor import; the ticket is tracked in PAY-900.
                approvedBy: jane.doe
                approvedOn: 2026-12-01
                expires: 2027-01-31
                """);
    }

    @Test
    void aCaseAssertsWhatAWaiverExcusesOnTheDayItIsJudged() throws IOException {
        waivedTicketPolicy();
        write("ticket.test.yaml", """
                cases:
                  - name: the waiver excuses the missing ticket while in force
                    payload: sample.json
                    date: 2026-12-10
                    expect:
                      verdict: passed
                      policies: {jira-ticket: waived}
                      waivers: [W-2026-014]
                  - name: after its last day the rule fails again
                    payload: sample.json
                    date: 2027-02-01
                    expect:
                      verdict: failed
                      policies: {jira-ticket: failed}
                  - name: this expectation is wrong
                    payload: sample.json
                    date: 2027-01-31
                    expect:
                      verdict: passed
                      policies: {jira-ticket: passed}
                """);

        CommandLineRun run = run("test", dir.toString());

        assertEquals(1, run.exit(), run.output());
        assertTrue(
                run.output().contains("PASS " + dir.resolve("ticket.test.yaml") + ":2: the waiver excuses"),
                run.output());
        assertTrue(
                run.output().contains("PASS " + dir.resolve("ticket.test.yaml") + ":9: after its last day"),
                run.output());
        assertTrue(run.output().contains("expected policy jira-ticket passed, got waived"), run.output());
        assertTrue(
                run.output().contains("jira-ticket / ticket: waived by W-2026-014 (failed): no ticket"), run.output());
        assertTrue(run.output().endsWith("2 passed, 1 failed\n"), run.output());

        Map<String, String> refused = Map.of(
                "    expect: {verdict: passed, policies: {jira-ticket: excused}}\n",
                "cases[0].expect.policies.jira-ticket: must be one of [passed, failed, waived, not-applicable]",
                "    date: 31.01.2027\n    expect: {verdict: passed}\n",
                "cases[0].date: '31.01.2027' is not a date as YYYY-MM-DD");
        for (Map.Entry<String, String> bad : refused.entrySet()) {
            write("ticket.test.yaml", "cases:\n  - name: n\n    payload: sample.json\n" + bad.getKey());
            CommandLineRun refusal = run("test", dir.toString());
            assertEquals(1, refusal.exit());
            assertTrue(refusal.output().contains(bad.getValue()), refusal.output());
        }
    }

    @Test
    void casesGiveApprovalsAndTheTimeAndWindowsAndApprovalsAreJudgedAsTheServiceJudgesThem() throws IOException {
        payload();
        write("controls.yaml", """
                name: two-approvals
                rules:
                  - type: approvals
                    min: 2
                    from: [alice, "@bank/compliance"]
                ---
                name: year-end
                rules:
                  - type: window
                    freeze:
                      - {from: "2026-12-20T00:00", to: "2027-01-04T00:00", timezone: Europe/Berlin, reason: Year-end freeze}
                    allow: {days: [Mon, Tue, Wed, Thu, Fri], hours: "08:00-18:00", timezone: Europe/Berlin}
                ---
                name: approved-this-year
                rules:
                  - type: expression
                    expr: approvals.all(a, a.at != "" && timestamp(a.at) > now - duration("8760h"))
                """);
        write("controls.test.yaml", """
                cases:
                  - name: two approvals in business hours pass
                    payload: sample.json
                    now: 2026-12-17T10:00:00+01:00
                    author: ada
                    approvals:
                      - {username: alice, at: "2026-12-17T09:30:00+01:00"}
                      - {username: carol, at: "2026-12-17T09:40:00+01:00"}
                    groups: {bank/compliance: [carol]}
                    expect: {verdict: passed}
                  - name: the freeze and a lone approval fail
                    payload: sample.json
                    now: 2026-12-21T10:00:00+01:00
                    author: ada
                    approvals: [{username: ada, at: "2026-12-21T09:00:00+01:00"}, {username: alice, at: "2026-12-21T09:00:00+01:00"}]
                    groups: {bank/compliance: []}
                    expect:
                      verdict: failed
                      policies: {two-approvals: failed, year-end: failed, approved-this-year: passed}
                      messages: ["ada (the author)", "it ends 2027-01-04 00:00 Europe/Berlin"]
                """);

        CommandLineRun run = run("test", dir.toString());
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().endsWith("2 passed, 0 failed\n"), run.output());

        write("controls.yaml", """
                name: bad-window
                rules:
                  - type: window
                    freeze: [{from: "2027-01-04T00:00", to: "2026-12-20T00:00", timezone: Europe/Berlin}]
                ---
                name: bad-approvals
                rules:
                  - type: approvals
                    min: 0
                """);
        CommandLineRun invalid = run("validate", dir.toString());
        assertEquals(1, invalid.exit());
        assertTrue(
                invalid.output()
                        .contains("controls.yaml:4: rules[0].freeze[0].to: '2026-12-20T00:00' is not after"
                                + " from ('2027-01-04T00:00')"),
                invalid.output());
        assertTrue(invalid.output().contains("controls.yaml:9: rules[0].min: must be at least 1"), invalid.output());
    }

    @Test
    void validateReportsWaiversThatMatchNothingAndRefusesBadOnes() throws IOException {
        waivedTicketPolicy();
        write("scoped.yaml", "name: scoped\nappliesTo:\n  projects: [\"payments/*\"]\nrules:\n  - type: draft\n");
        write("waivers/old.yaml", """
                id: W-2020-001
                policy: jira-ticket
                projects: ["**"]
                reason: An old exception.
                approvedBy: jane.doe
                approvedOn: 2020-01-01
                expires: 2020-03-01
                ---
                id: W-TYPO
                policy: scoped
                projects: ["paymnets/*"]
                reason: A typo in the scope.
                approvedBy: jane.doe
                approvedOn: 2026-12-01
                expires: 2027-01-31
                """);

        CommandLineRun run = run("validate", dir.toString());

        assertEquals(0, run.exit(), run.output());
        Path old = dir.resolve("waivers/old.yaml");
        assertTrue(
                run.output()
                        .contains("WARNING " + old + ":1: waiver W-2020-001 matches nothing: expired on 2020-03-01"),
                run.output());
        assertTrue(
                run.output().contains("WARNING " + old + ":9: waiver W-TYPO matches nothing: none of its projects"),
                run.output());
        assertTrue(run.output().endsWith("OK: 2 policies and 3 waivers in 4 files in " + dir + "\n"), run.output());

        CommandLineRun strict = run("validate", "--waiver-max-days", "30", dir.toString());
        assertEquals(1, strict.exit(), strict.output());
        assertTrue(
                strict.output().contains(dir.resolve("waivers/vendor.yaml") + ":8: expires: is more than 30 days"),
                strict.output());
        assertTrue(strict.output().contains(old + ":7: expires: is more than 30 days"), strict.output());
    }

    @Test
    void aCaseThatNeedsGitLabDataItDoesNotGiveSaysSo() throws IOException {
        payload();
        write("size.yaml", "name: small\nrules:\n  - type: size\n    maxFiles: 1\n");
        write("size.test.yaml", "cases:\n  - name: n\n    payload: sample.json\n    expect: {verdict: passed}\n");

        CommandLineRun run = run("test", dir.toString());

        assertEquals(1, run.exit());
        assertTrue(run.output().contains("the test case gives no changes (add changes: to it)"), run.output());
    }

    @Test
    void malformedTestFilesAndMissingTestsFail() throws IOException {
        write("p.yaml", "name: p\nrules:\n  - type: draft\n");
        CommandLineRun none = run("test", dir.toString());
        assertEquals(1, none.exit());
        assertTrue(none.output().contains("no *.test.yaml files in " + dir), none.output());

        write("p.test.yaml", "cases:\n  - name: n\n    payload: x.json\n    expct: {verdict: passed}\n");
        CommandLineRun bad = run("test", dir.toString());
        assertEquals(1, bad.exit());
        assertTrue(
                bad.output()
                        .contains("ERROR " + dir.resolve("p.test.yaml") + ":4: cases[0].expct: unknown field 'expct'"),
                bad.output());
    }

    @Test
    void everyCommandHasItsHelp() {
        CommandLineRun all = run("--help");
        assertEquals(0, all.exit(), all.output());
        for (String command : new String[] {"validate", "test", "register", "preview", "help"}) {
            assertTrue(all.output().contains("  " + command), command + " in\n" + all.output());
        }
        CommandLineRun validate = run("validate", "--help");
        assertEquals(0, validate.exit());
        assertTrue(
                validate.output()
                        .startsWith("Usage: java -jar policy-gate.jar validate [-hV] [--waiver-max-days=DAYS] [DIR]"),
                validate.output());
        assertTrue(validate.output().contains("the policy folder (default: policies)"), validate.output());
        CommandLineRun preview = run("help", "preview");
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
