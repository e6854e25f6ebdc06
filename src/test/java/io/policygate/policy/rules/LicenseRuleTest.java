package io.policygate.policy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.policy.Change;
import io.policygate.policy.FakeMergeRequest;
import io.policygate.policy.FakeMergeRequestData;
import io.policygate.policy.Outcome;
import io.policygate.policy.RuleResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LicenseRuleTest {

    private static final LicenseRule.Config POLICY = new LicenseRule.Config(
            List.of("MIT", "Apache-2.0", "BSD-3-Clause", "GPL-2.0-only WITH Classpath-exception-2.0"),
            List.of("GPL-2.0-only", "GPL-3.0-only", "AGPL-3.0-only"));

    /** A new file whose first line is {@code line}. */
    private static Change added(String path, String... lines) {
        StringBuilder diff = new StringBuilder("@@ -0,0 +1," + lines.length + " @@\n");
        for (String line : lines) {
            diff.append('+').append(line).append('\n');
        }
        return new Change(path, path, true, false, false, diff.toString());
    }

    private static RuleResult evaluate(LicenseRule.Config config, Change... changes) {
        return RuleTables.evaluate(
                LicenseRule.TYPE, config, FakeMergeRequest.sample(), FakeMergeRequestData.changes(changes));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "MIT | PASSED",
                "mit or apache-2.0 | PASSED",
                "MIT OR GPL-3.0-only | PASSED",
                "GPL-3.0-only | FAILED",
                "Apache-2.0 AND BSD-3-Clause | PASSED",
                "Apache-2.0 AND GPL-3.0-only | FAILED",
                "(MIT OR GPL-3.0-only) AND (BSD-3-Clause OR AGPL-3.0-only) | PASSED",
                "GPL-2.0-only WITH Classpath-exception-2.0 | PASSED",
                "GPL-2.0-only | FAILED",
                "MPL-2.0 | FAILED",
                "LicenseRef-Proprietary | FAILED"
            })
    void expressions(String expression, Outcome outcome) {
        RuleResult result = evaluate(POLICY, added("src/A.java", "// SPDX-License-Identifier: " + expression));
        assertEquals(outcome, result.outcome(), result.message());
        assertEquals(expression, result.evidence().seen().get("src/A.java:1"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "Foo-1.0 | unknown SPDX id 'Foo-1.0'",
                "MIT WITH Bogus-exception | unknown SPDX id exception 'Bogus-exception'",
                "MIT AND | not an SPDX license expression: a license id is missing at the end of 'MIT AND'",
                "(MIT OR Apache-2.0 | not an SPDX license expression: missing ')' in '(MIT OR Apache-2.0'",
                "MIT Apache-2.0 | not an SPDX license expression: unexpected 'Apache-2.0' in 'MIT Apache-2.0'"
            })
    void malformedOrUnknownFailsWithAClearMessage(String expression, String message) {
        RuleResult result = evaluate(POLICY, added("lib/x.c", "/* SPDX-License-Identifier: " + expression + " */"));
        assertEquals(Outcome.FAILED, result.outcome());
        assertEquals("lib/x.c:1: " + message, result.message());
    }

    @Test
    void anExpressionNestedThousandsDeepFailsWithAMessageNotAStackOverflow() {
        String deep = "(".repeat(5000) + "MIT" + ")".repeat(5000);
        RuleResult result = evaluate(POLICY, added("lib/x.c", "// SPDX-License-Identifier: " + deep));
        assertEquals(Outcome.FAILED, result.outcome(), result.message());
        assertTrue(
                result.message()
                        .startsWith(
                                "lib/x.c:1: not an SPDX license expression: parentheses nested more than 32 deep in '"
                                        + "(".repeat(120) + "…'"),
                result.message());
        String nested32 = "(".repeat(32) + "MIT" + ")".repeat(32);
        assertEquals(
                Outcome.PASSED,
                evaluate(POLICY, added("a.c", "// SPDX-License-Identifier: " + nested32))
                        .outcome());
    }

    @Test
    void manifestsAreRead() {
        RuleResult result = evaluate(
                POLICY,
                added("web/package.json", "{", "  \"name\": \"web\",", "  \"license\": \"GPL-3.0-only\"", "}"),
                added("Cargo.toml", "[package]", "license = \"MIT OR Apache-2.0\""),
                added("py/pyproject.toml", "[project]", "license = {text = \"AGPL-3.0-only\"}"),
                added(
                        "pom.xml",
                        "<licenses>",
                        "  <license>",
                        "    <name>BSD-3-Clause</name>",
                        "  </license>",
                        "</licenses>",
                        "<name>not-a-license</name>"));
        assertEquals(Outcome.FAILED, result.outcome());
        assertEquals(
                "web/package.json:3: 'GPL-3.0-only' is not allowed, py/pyproject.toml:2: 'AGPL-3.0-only' is not allowed",
                result.message());
        assertEquals("MIT OR Apache-2.0", result.evidence().seen().get("Cargo.toml:2"));
        assertEquals("BSD-3-Clause", result.evidence().seen().get("pom.xml:3"));
        assertEquals(4, result.evidence().seen().size());
    }

    @Test
    void onlyAddedLinesCount() {
        Change edit = new Change(
                "src/A.java",
                "src/A.java",
                false,
                false,
                false,
                "@@ -1,3 +1,3 @@\n-// SPDX-License-Identifier: GPL-3.0-only\n+// SPDX-License-Identifier: MIT\n"
                        + " // SPDX-License-Identifier: AGPL-3.0-only (context, unchanged)\n");
        RuleResult result = evaluate(POLICY, edit);
        assertEquals(Outcome.PASSED, result.outcome(), result.message());
        assertEquals(1, result.evidence().seen().size());
    }

    @Test
    void noDeclarationPasses() {
        assertEquals(
                "declares no license",
                evaluate(POLICY, FakeMergeRequestData.modified("a.txt", 1, 1)).message());
    }

    @Test
    void configIdsAreCheckedAgainstTheSpdxList() {
        InvalidRuleException unknown = assertThrows(
                InvalidRuleException.class,
                () -> LicenseRule.TYPE.create(new LicenseRule.Config(List.of("MIT", "Apache2"), null)));
        assertEquals("allow[1]", unknown.field());
        assertTrue(
                unknown.getMessage().startsWith("unknown SPDX id 'Apache2' (SPDX license list "), unknown.getMessage());
        InvalidRuleException expression = assertThrows(
                InvalidRuleException.class,
                () -> LicenseRule.TYPE.create(new LicenseRule.Config(null, List.of("MIT OR GPL-3.0-only"))));
        assertEquals("deny[0]", expression.field());
        assertThrows(InvalidRuleException.class, () -> LicenseRule.TYPE.create(new LicenseRule.Config(null, null)));
    }
}
