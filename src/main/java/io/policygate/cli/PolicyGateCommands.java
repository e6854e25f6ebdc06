package io.policygate.cli;

/**
 * The entry point of {@code target/policy-gate.jar}, the commands alone: the same commands as the server's jar, for
 * a CI job or a laptop with nothing but a JRE. It holds no server: without a command it says where the server is.
 */
public final class PolicyGateCommands {

    private PolicyGateCommands() {}

    public static void main(String... args) {
        if (args.length == 0) {
            System.err.println("policy-gate.jar holds the commands; give one (validate, test, preview, register,"
                    + " verify-attestation), or --help. The server is the container image, or"
                    + " target/quarkus-app/quarkus-run.jar of a build.");
            System.exit(2);
        }
        System.exit(PolicyGateMain.run(args, System.out));
    }
}
