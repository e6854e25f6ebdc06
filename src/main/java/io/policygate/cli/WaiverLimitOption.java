package io.policygate.cli;

import io.policygate.policy.PolicyLoader;
import picocli.CommandLine.Option;

/** The {@code --waiver-max-days} option that validate and test share, as the service's policy-gate.waivers.max-days. */
final class WaiverLimitOption {

    @Option(
            names = "--waiver-max-days",
            paramLabel = "DAYS",
            defaultValue = "" + PolicyLoader.DEFAULT_WAIVER_MAX_DAYS,
            description = "the longest a waiver may last after its approval, as the service's"
                    + " policy-gate.waivers.max-days (default: ${DEFAULT-VALUE})")
    int days = PolicyLoader.DEFAULT_WAIVER_MAX_DAYS;
}
