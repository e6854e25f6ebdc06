package io.policygate.cli;

import io.policygate.policy.PolicyError;
import io.policygate.policy.PolicyLoadException;
import io.policygate.policy.PolicyLoader;
import io.policygate.policy.PolicySet;
import io.policygate.policy.rules.RuleTypes;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/** {@code validate [DIR]}: loads the policy files exactly as the server does and prints every error. */
final class ValidateCommand {

    private final PrintStream out;

    ValidateCommand(PrintStream out) {
        this.out = out;
    }

    int run(Path dir) {
        return load(dir).map(set -> {
            out.printf("OK: %d policies in %d files in %s%n", set.policies().size(), set.files().size(), dir);
            return 0;
        }).orElse(1);
    }

    /** The policy set, or empty after printing each error as file:line: field: message. */
    Optional<PolicySet> load(Path dir) {
        try {
            return Optional.of(new PolicyLoader(RuleTypes.installed()).load(dir));
        } catch (PolicyLoadException e) {
            for (PolicyError error : e.errors()) {
                out.println(error);
            }
            out.printf("%d error(s) in %s%n", e.errors().size(), dir);
            return Optional.empty();
        }
    }
}
