package io.policygate.policy.rules;

import io.policygate.policy.Evidence;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The licenses a merge request declares (SPDX-License-Identifier lines and manifest license fields it
 * adds) must be allowed: every AND term acceptable, at least one OR alternative acceptable. Unknown
 * SPDX ids fail: a typo must not slip a license past review. Reads the changes from GitLab.
 */
final class LicenseRule implements Rule {

    static final RuleType<Config> TYPE = new RuleType<>("license", Config.class, LicenseRule::new);

    /**
     * @param allow SPDX ids (or "id WITH exception") that may be used; empty allows any listed license not denied
     * @param deny SPDX ids that may not be used
     */
    record Config(List<String> allow, List<String> deny) {}

    private final Set<String> allow;
    private final Set<String> deny;

    private LicenseRule(Config config) {
        this.allow = canonical("allow", config.allow());
        this.deny = canonical("deny", config.deny());
        if (allow.isEmpty() && deny.isEmpty()) {
            throw new InvalidRuleException("allow", "set allow, deny or both (SPDX ids such as MIT, Apache-2.0)");
        }
    }

    /** The entries as SPDX spells them; an unknown id is refused when the policy loads. */
    private static Set<String> canonical(String field, List<String> entries) {
        Set<String> ids = new TreeSet<>();
        List<String> list = entries == null ? List.of() : entries;
        for (int i = 0; i < list.size(); i++) {
            String at = field + "[" + i + "]";
            SpdxExpression parsed;
            try {
                parsed = SpdxExpression.parse(list.get(i));
            } catch (IllegalArgumentException e) {
                throw new InvalidRuleException(at, e.getMessage());
            }
            if (!(parsed instanceof SpdxExpression.License license)) {
                throw new InvalidRuleException(
                        at, "must be one license id (optionally WITH an exception), not an expression");
            }
            List<String> unknown = unknownIds(license);
            if (!unknown.isEmpty()) {
                throw new InvalidRuleException(
                        at,
                        "unknown SPDX id " + String.join(", ", unknown) + " (SPDX license list "
                                + SpdxLicenses.listVersion() + ")");
            }
            ids.add(normalized(license).toString());
        }
        return ids;
    }

    @Override
    public RuleResult evaluate(RuleContext context) {
        List<LicenseDeclarations.Declaration> declarations = LicenseDeclarations.in(context.changes());
        List<String> problems = new ArrayList<>();
        Map<String, Object> seen = new LinkedHashMap<>();
        for (LicenseDeclarations.Declaration declaration : declarations) {
            seen.put(declaration.where(), declaration.expression());
            problem(declaration).ifPresent(problems::add);
        }
        String expected = (allow.isEmpty() ? "any SPDX license" : "licenses from " + allow)
                + (deny.isEmpty() ? "" : ", none of " + deny);
        Evidence evidence = new Evidence(seen, expected);
        if (!problems.isEmpty()) {
            return RuleResult.failed(TYPE.name(), Listing.shown(problems), evidence);
        }
        return RuleResult.passed(
                TYPE.name(),
                declarations.isEmpty() ? "declares no license" : declarations.size() + " license declarations allowed",
                evidence);
    }

    private Optional<String> problem(LicenseDeclarations.Declaration declaration) {
        String where = declaration.where() + ": ";
        SpdxExpression expression;
        try {
            expression = SpdxExpression.parse(declaration.expression());
        } catch (IllegalArgumentException e) {
            return Optional.of(where + "not an SPDX license expression: " + e.getMessage());
        }
        List<String> unknown = expression.licenses().stream()
                .flatMap(l -> unknownIds(l).stream())
                .toList();
        if (!unknown.isEmpty()) {
            return Optional.of(where + "unknown SPDX id " + String.join(", ", unknown));
        }
        if (!expression.satisfiable(l -> acceptable(normalized(l)))) {
            return Optional.of(where + "'" + declaration.expression() + "' is not allowed");
        }
        return Optional.empty();
    }

    /** Allowed by id or by the exact "id WITH exception"; an exception only adds permissions. */
    private boolean acceptable(SpdxExpression.License license) {
        String id = license.id();
        String full = license.toString();
        if (deny.contains(id) && !allow.contains(full)) {
            return false;
        }
        return allow.isEmpty() || allow.contains(id) || allow.contains(full);
    }

    private static List<String> unknownIds(SpdxExpression.License license) {
        List<String> unknown = new ArrayList<>();
        if (SpdxLicenses.license(license.id()).isEmpty()) {
            unknown.add("'" + license.id() + "'");
        }
        if (license.exception() != null
                && SpdxLicenses.exception(license.exception()).isEmpty()) {
            unknown.add("exception '" + license.exception() + "'");
        }
        return unknown;
    }

    private static SpdxExpression.License normalized(SpdxExpression.License license) {
        return new SpdxExpression.License(
                SpdxLicenses.license(license.id()).orElse(license.id()),
                false,
                license.exception() == null
                        ? null
                        : SpdxLicenses.exception(license.exception()).orElse(license.exception()));
    }
}
