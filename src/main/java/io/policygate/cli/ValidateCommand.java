package io.policygate.cli;

import io.policygate.policy.PolicyError;
import io.policygate.policy.PolicyLoadException;
import io.policygate.policy.PolicyLoader;
import io.policygate.policy.PolicySet;
import io.policygate.policy.rules.RuleTypes;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code validate [DIR]}: loads the policy files exactly as the server does and prints every error. */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = "Checks the policy files in DIR as the server loads them and prints every error as"
                + " file:line: field: message. Exit 0 when all are valid, 1 otherwise.")
final class ValidateCommand implements Callable<Integer> {

    private final PrintStream out;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "DIR",
            defaultValue = "policies",
            description = "the policy folder (default: ${DEFAULT-VALUE})")
    Path dir;

    ValidateCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        return load(dir)
                .map(set -> {
                    out.printf(
                            "OK: %d policies in %d files in %s%n",
                            set.policies().size(), set.files().size(), dir);
                    return 0;
                })
                .orElse(1);
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
