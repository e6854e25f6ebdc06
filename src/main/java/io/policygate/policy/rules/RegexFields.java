package io.policygate.policy.rules;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/** Compiles the regexes of policy files with RE2J: they run on attacker-controlled text. */
final class RegexFields {

    private RegexFields() {}

    static Pattern compile(String field, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new InvalidRuleException(field, "invalid regular expression: " + e.getMessage());
        }
    }
}
