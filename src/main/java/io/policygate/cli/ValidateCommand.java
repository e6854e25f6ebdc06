package io.policygate.cli;

import io.policygate.policy.PolicyError;
import io.policygate.policy.PolicyLoadException;
import io.policygate.policy.PolicyLoader;
import io.policygate.policy.PolicySet;
import io.policygate.policy.rules.RuleTypes;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code validate [DIR]}: loads the policy and waiver files exactly as the server does and prints every error, then
 * every waiver that matches nothing.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = "Checks the policy files in DIR and the waiver files in DIR/waivers as the server loads them"
                + " and prints every error as file:line: field: message, then a warning for each waiver that matches"
                + " nothing (expired, or scoped to projects its policy never applies to). Exit 0 when all are valid"
                + " (warnings included), 1 otherwise.")
final class ValidateCommand implements Callable<Integer> {

    private final PrintStream out;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "DIR",
            defaultValue = "policies",
            description = "the policy folder (default: ${DEFAULT-VALUE})")
    Path dir;

    @Mixin
    WaiverLimitOption waiverLimit = new WaiverLimitOption();

    ValidateCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        return load(dir, waiverLimit.days, out)
                .map(set -> {
                    for (PolicySet.IdleWaiver idle : set.waiversMatchingNothing(LocalDate.now(ZoneOffset.UTC))) {
                        out.printf(
                                "WARNING %s: waiver %s matches nothing: %s%n",
                                idle.waiver().source(), idle.waiver().id(), idle.why());
                    }
                    out.printf(
                            "OK: %d policies and %d waivers in %d files in %s%n",
                            set.policies().size(),
                            set.waivers().size(),
                            set.files().size(),
                            dir);
                    return 0;
                })
                .orElse(1);
    }

    /** The policy set, or empty after printing each error as file:line: field: message. */
    static Optional<PolicySet> load(Path dir, int waiverMaxDays, PrintStream out) {
        try {
            return Optional.of(new PolicyLoader(RuleTypes.installed())
                    .withWaiverMaxDays(waiverMaxDays)
                    .load(dir));
        } catch (PolicyLoadException e) {
            for (PolicyError error : e.errors()) {
                out.println(error);
            }
            out.printf("%d error(s) in %s%n", e.errors().size(), dir);
            return Optional.empty();
        }
    }
}
