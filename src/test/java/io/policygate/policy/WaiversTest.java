package io.policygate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.policy.rules.RuleTypes;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Waivers as the loader reads them (every mistake named by file, line and field) and as the engine applies them: a
 * failing rule a waiver in force covers is waived, not failed; anything outside its days, projects, merge request,
 * branch, policy or rule still fails.
 */
class WaiversTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 12, 3);

    /** A ticket rule that the sample merge request (no ticket in its title) fails, and a title rule it passes. */
    private static final String POLICY = "name: jira-ticket\nappliesTo:\n  projects: [\"flightjs/*\", 6]\nrules:\n"
            + "  - type: ticket\n    in: [title]\n    message: Name the ticket.\n"
            + "  - type: title\n    pattern: '.+'\n";

    private static final String WAIVER = "id: W-2026-014\npolicy: jira-ticket\nrule: ticket\n"
            + "projects: [\"flightjs/*\"]\nreason: Vendor import; the ticket is tracked in PAY-900.\n"
            + "approvedBy: jane.doe\napprovedOn: 2026-12-01\nexpires: 2027-01-31\n";

    private static PolicySet load(Map<String, String> files) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        files.forEach((name, text) -> bytes.put(name, text.getBytes(StandardCharsets.UTF_8)));
        return new PolicyLoader(RuleTypes.builtIn()).load(bytes);
    }

    private static PolicySet withWaiver(String waiver) {
        return load(Map.of("jira-ticket.yaml", POLICY, "waivers/w.yaml", waiver));
    }

    private static List<PolicyError> errorsOf(String waiver) {
        return assertThrows(PolicyLoadException.class, () -> withWaiver(waiver)).errors();
    }

    private static Verdict evaluate(PolicySet set, MergeRequestContext mr, LocalDate on) {
        return new PolicyEngine(VerdictStatus.PASSED)
                .evaluate(set, mr, MergeRequestData.NONE, on.atTime(12, 0).toInstant(java.time.ZoneOffset.UTC));
    }

    @Test
    void aWaiverInForceWaivesTheFailingRuleAndTheCheckPasses() {
        Verdict verdict = evaluate(withWaiver(WAIVER), FakeMergeRequest.sample(), TODAY);

        assertEquals(VerdictStatus.PASSED, verdict.status());
        assertEquals(VerdictStatus.PASSED, verdict.ifEnforced());
        assertEquals("passed; waived: jira-ticket (W-2026-014)", verdict.summary());
        PolicyResult policy = verdict.policies().get(0);
        assertEquals("waived", policy.outcomeName());
        assertFalse(policy.failed());
        RuleResult ticket = policy.rules().get(0);
        assertEquals(Outcome.WAIVED, ticket.outcome());
        assertEquals("Name the ticket.", ticket.message());
        assertEquals(
                new WaiverUse(
                        "W-2026-014",
                        "Vendor import; the ticket is tracked in PAY-900.",
                        "jane.doe",
                        "2027-01-31",
                        Outcome.FAILED),
                ticket.waiver());
        assertEquals(Outcome.PASSED, policy.rules().get(1).outcome());
        assertNull(policy.rules().get(1).waiver());
        assertEquals(List.of("W-2026-014"), verdict.waiverIds());
    }

    @Test
    void aWaiverAppliesFromTheDayItWasApprovedThroughTheDayItExpires() {
        PolicySet set = withWaiver(WAIVER);
        FakeMergeRequest mr = FakeMergeRequest.sample();

        assertEquals(
                VerdictStatus.FAILED,
                evaluate(set, mr, LocalDate.of(2026, 11, 30)).status());
        assertEquals(
                VerdictStatus.PASSED,
                evaluate(set, mr, LocalDate.of(2026, 12, 1)).status());
        assertEquals(
                VerdictStatus.PASSED,
                evaluate(set, mr, LocalDate.of(2027, 1, 31)).status());
        Verdict expired = evaluate(set, mr, LocalDate.of(2027, 2, 1));
        assertEquals(VerdictStatus.FAILED, expired.status());
        assertEquals(Outcome.FAILED, expired.policies().get(0).rules().get(0).outcome());
        assertEquals(List.of(), expired.waiverIds());
    }

    static Stream<Arguments> outsideItsScope() {
        FakeMergeRequest sample = FakeMergeRequest.sample();
        return Stream.of(
                Arguments.of("another project", sample.withProject(6, "infra/tools"), WAIVER),
                Arguments.of(
                        "a project below the glob's segment", sample.withProject(6, "flightjs/sub/Flight"), WAIVER),
                Arguments.of("another merge request", sample, WAIVER + "mergeRequest: 99\n"),
                Arguments.of("another source branch", sample, WAIVER + "sourceBranch: \"hotfix/*\"\n"),
                Arguments.of("another rule", sample, WAIVER.replace("rule: ticket", "rule: title")),
                Arguments.of("another id", sample, WAIVER.replace("projects: [\"flightjs/*\"]", "projects: [7]")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outsideItsScope")
    void aMergeRequestOutsideTheWaiversScopeStillFails(String what, FakeMergeRequest mr, String waiver) {
        Verdict verdict = evaluate(withWaiver(waiver), mr, TODAY);

        assertEquals(VerdictStatus.FAILED, verdict.status(), what);
        assertEquals(Outcome.FAILED, verdict.policies().get(0).rules().get(0).outcome(), what);
    }

    @Test
    void aWaiverScopedByIdMergeRequestAndBranchAppliesToExactlyThatMergeRequest() {
        String waiver = WAIVER.replace("projects: [\"flightjs/*\"]", "projects: [6]") + "mergeRequest: "
                + FakeMergeRequest.sample().iid() + "\nsourceBranch: \"root-main-*\"\n";

        assertEquals(
                VerdictStatus.PASSED,
                evaluate(withWaiver(waiver), FakeMergeRequest.sample(), TODAY).status());
    }

    @Test
    void aWaiverWithoutRuleWaivesEveryFailingRuleOfItsPolicyAndNothingElse() {
        String policies = POLICY + "---\nname: other\nrules:\n  - type: expression\n    expr: 'false'\n";
        PolicySet set = load(Map.of("p.yaml", policies, "waivers/w.yaml", WAIVER.replace("rule: ticket\n", "")));

        Verdict verdict = evaluate(set, FakeMergeRequest.sample(), TODAY);

        assertEquals(VerdictStatus.FAILED, verdict.status());
        assertEquals("failed: other; waived: jira-ticket (W-2026-014)", verdict.summary());
        assertEquals("waived", verdict.policies().get(0).outcomeName());
        assertEquals("failed", verdict.policies().get(1).outcomeName());
    }

    @Test
    void aWaivedAuditRuleIsWaivedNotAnAuditFinding() {
        PolicySet set =
                load(Map.of("p.yaml", POLICY.replace("rules:\n", "mode: audit\nrules:\n"), "waivers/w.yaml", WAIVER));

        Verdict verdict = evaluate(set, FakeMergeRequest.sample(), TODAY);

        assertEquals(VerdictStatus.PASSED, verdict.ifEnforced());
        assertEquals("waived", verdict.policies().get(0).outcomeName());
        RuleResult ticket = verdict.policies().get(0).rules().get(0);
        assertEquals(PolicyMode.AUDIT, ticket.mode());
        assertFalse(ticket.failsWhenEnforced());
    }

    @Test
    void aRuleNamedByIndexIsTheOneWaivedWhereAPolicyHasTwoOfAType() {
        String policy = "name: jira-ticket\nrules:\n  - type: ticket\n    in: [title]\n"
                + "  - type: ticket\n    in: [description]\n";
        String waiver = WAIVER.replace("rule: ticket", "rule: 1");

        Verdict verdict = evaluate(
                load(Map.of("jira-ticket.yaml", policy, "waivers/w.yaml", waiver)), FakeMergeRequest.sample(), TODAY);

        assertEquals(Outcome.FAILED, verdict.policies().get(0).rules().get(0).outcome());
        assertEquals(Outcome.WAIVED, verdict.policies().get(0).rules().get(1).outcome());
        PolicyLoadException ambiguous = assertThrows(
                PolicyLoadException.class, () -> load(Map.of("jira-ticket.yaml", policy, "waivers/w.yaml", WAIVER)));
        assertEquals(
                List.of(new PolicyError(
                        "waivers/w.yaml",
                        3,
                        "rule",
                        "policy 'jira-ticket' has 2 rules of type 'ticket' (indexes [0, 1]); name the one you waive"
                                + " by its index")),
                ambiguous.errors());
    }

    static Stream<Arguments> badWaivers() {
        return Stream.of(
                Arguments.of("no expiry", WAIVER.replace("expires: 2027-01-31\n", ""), 1, "expires", "is required"),
                Arguments.of(
                        "longer than max-days",
                        WAIVER.replace("expires: 2027-01-31", "expires: 2027-03-02"),
                        8,
                        "expires",
                        "is more than 90 days after approvedOn (2026-12-01): the latest allowed is 2027-03-01"),
                Arguments.of(
                        "expires before approval",
                        WAIVER.replace("expires: 2027-01-31", "expires: 2026-11-30"),
                        8,
                        "expires",
                        "is before approvedOn (2026-12-01)"),
                Arguments.of(
                        "not a date",
                        WAIVER.replace("approvedOn: 2026-12-01", "approvedOn: 1 Dec 2026"),
                        7,
                        "approvedOn",
                        "'1 Dec 2026' is not a date as YYYY-MM-DD"),
                Arguments.of(
                        "unknown policy",
                        WAIVER.replace("policy: jira-ticket", "policy: jira-tickets"),
                        2,
                        "policy",
                        "no policy is named 'jira-tickets'; policies: [jira-ticket]"),
                Arguments.of(
                        "rule type the policy lacks",
                        WAIVER.replace("rule: ticket", "rule: labels"),
                        3,
                        "rule",
                        "policy 'jira-ticket' has no rule of type 'labels'; its rules: [ticket, title]"),
                Arguments.of(
                        "index out of range",
                        WAIVER.replace("rule: ticket", "rule: 2"),
                        3,
                        "rule",
                        "policy 'jira-ticket' has rules 0 to 1 (0-based)"),
                Arguments.of(
                        "no projects",
                        WAIVER.replace("projects: [\"flightjs/*\"]\n", ""),
                        1,
                        "projects",
                        "is required"),
                Arguments.of(
                        "a bad project",
                        WAIVER.replace("projects: [\"flightjs/*\"]", "projects: [true]"),
                        4,
                        "projects[0]",
                        "must be a project id (a positive number) or a path glob"),
                Arguments.of(
                        "an empty reason",
                        WAIVER.replace("reason: Vendor import; the ticket is tracked in PAY-900.", "reason: \"\""),
                        5,
                        "reason",
                        "is required"),
                Arguments.of(
                        "an id with a comma",
                        WAIVER.replace("id: W-2026-014", "id: \"W-1,W-2\""),
                        1,
                        "id",
                        "'W-1,W-2' must be letters, digits"),
                Arguments.of(
                        "an unknown field", WAIVER + "approver: john\n", 9, "approver", "unknown field 'approver'"),
                Arguments.of(
                        "a mergeRequest that is no iid",
                        WAIVER + "mergeRequest: \"!42\"\n",
                        9,
                        "mergeRequest",
                        "a number"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badWaivers")
    void aBadWaiverIsRefusedNamingFileLineAndField(String what, String waiver, int line, String field, String message) {
        List<PolicyError> errors = errorsOf(waiver);

        assertEquals(1, errors.size(), errors.toString());
        PolicyError error = errors.get(0);
        assertEquals("waivers/w.yaml", error.file(), what);
        assertEquals(line, error.line(), what + ": " + error);
        assertEquals(field, error.field(), what + ": " + error);
        assertTrue(error.message().contains(message), what + ": " + error.message());
    }

    @Test
    void theLongestWaiverFollowsTheConfiguredLimit() {
        Map<String, byte[]> files = Map.of(
                "jira-ticket.yaml", POLICY.getBytes(StandardCharsets.UTF_8),
                "waivers/w.yaml", WAIVER.getBytes(StandardCharsets.UTF_8));
        PolicyLoader thirtyDays = new PolicyLoader(RuleTypes.builtIn()).withWaiverMaxDays(30);

        List<PolicyError> errors = assertThrows(PolicyLoadException.class, () -> thirtyDays.load(files))
                .errors();

        assertEquals("expires", errors.get(0).field());
        assertTrue(errors.get(0).message().contains("the latest allowed is 2026-12-31"), errors.toString());
    }

    @Test
    void aCandidatesFileNamesAreLabelsNotPaths() {
        PolicySet set = load(Map.of(
                "..\u0000odd.yaml",
                POLICY,
                "sub/waivers/w.yaml",
                WAIVER,
                "waiversx/w.yaml",
                POLICY.replace("jira-ticket", "other")));

        assertEquals(
                List.of("jira-ticket", "other"),
                set.policies().stream().map(Policy::name).sorted().toList());
        assertEquals(
                List.of("W-2026-014"), set.waivers().stream().map(Waiver::id).toList());
    }

    @Test
    void waiverIdsAreUniqueAcrossFiles() {
        List<PolicyError> errors = assertThrows(
                        PolicyLoadException.class,
                        () -> load(
                                Map.of("jira-ticket.yaml", POLICY, "waivers/a.yaml", WAIVER, "waivers/b.yaml", WAIVER)))
                .errors();

        assertEquals(
                List.of(new PolicyError(
                        "waivers/b.yaml",
                        1,
                        "id",
                        "duplicate waiver id 'W-2026-014', first defined at waivers/a.yaml:1")),
                errors);
    }

    @Test
    void waiversThatMatchNothingAreTold() {
        String elsewhere = WAIVER.replace("id: W-2026-014", "id: W-2")
                .replace("projects: [\"flightjs/*\"]", "projects: [\"infra/*\", \"flight*/**\"]");
        String typo = WAIVER.replace("id: W-2026-014", "id: W-3")
                .replace("projects: [\"flightjs/*\"]", "projects: [\"fligthjs/*\"]");
        String byId =
                WAIVER.replace("id: W-2026-014", "id: W-4").replace("projects: [\"flightjs/*\"]", "projects: [6]");
        String otherId =
                WAIVER.replace("id: W-2026-014", "id: W-5").replace("projects: [\"flightjs/*\"]", "projects: [7]");
        PolicySet set = load(Map.of(
                "jira-ticket.yaml",
                POLICY.replace("projects: [\"flightjs/*\", 6]", "projects: [\"flightjs/*\"]"),
                "waivers/w.yaml",
                String.join("---\n", WAIVER, elsewhere, typo, byId, otherId)));

        List<PolicySet.IdleWaiver> idle = set.waiversMatchingNothing(TODAY);

        assertEquals(List.of("W-3"), idle.stream().map(i -> i.waiver().id()).toList());
        assertTrue(
                idle.get(0)
                        .why()
                        .contains(
                                "none of its projects [fligthjs/*] is among those policy 'jira-ticket' applies to [flightjs/*]"),
                idle.get(0).why());
        List<PolicySet.IdleWaiver> later = set.waiversMatchingNothing(LocalDate.of(2027, 2, 1));
        assertEquals(5, later.size());
        assertEquals(
                "expired on 2027-01-31; it waives nothing any more",
                later.get(0).why());
    }

    @Test
    void standingsSayWhichWaiversAreInForceExpiringOrExpired() {
        PolicySet set = withWaiver(WAIVER);

        assertEquals(
                "pending",
                set.waiverStandings(LocalDate.of(2026, 11, 30), 14).get(0).state());
        WaiverStanding now = set.waiverStandings(TODAY, 14).get(0);
        assertEquals("in-force", now.state());
        assertEquals(59, now.daysLeft());
        assertEquals("rule 0 (ticket)", now.rule());
        assertEquals(List.of("flightjs/*"), now.projects());
        assertEquals("waivers/w.yaml", now.file());
        assertEquals(
                "expiring",
                set.waiverStandings(LocalDate.of(2027, 1, 17), 14).get(0).state());
        assertEquals(
                "in-force",
                set.waiverStandings(LocalDate.of(2027, 1, 16), 14).get(0).state());
        assertEquals(
                "expired",
                set.waiverStandings(LocalDate.of(2027, 2, 1), 14).get(0).state());
    }

    @Test
    void globsOverlapWhenSomeTextMatchesBoth() {
        assertTrue(Glob.of("payments/*").overlaps(Glob.of("payments/api")));
        assertTrue(Glob.of("payments/**").overlaps(Glob.of("*/api/*")));
        assertTrue(Glob.of("pay*").overlaps(Glob.of("*ments")));
        assertTrue(Glob.of("a?c").overlaps(Glob.of("*b*")));
        assertTrue(Glob.of("**").overlaps(Glob.of("x/y/z")));
        assertFalse(Glob.of("payments/*").overlaps(Glob.of("infra/*")));
        assertFalse(Glob.of("payments/*").overlaps(Glob.of("payments/a/b")));
        assertFalse(Glob.of("a?c").overlaps(Glob.of("a/c")));
        assertFalse(Glob.of("*").overlaps(Glob.of("a/b")));
        assertTrue(Glob.of("**").overlaps(Glob.of("a/b")));
        assertFalse(Glob.of("abc").overlaps(Glob.of("abd")));
    }
}
