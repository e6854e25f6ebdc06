package io.policygate.testing;

import io.policygate.cli.PolicyGateMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One run of the jar's command line ({@code java -jar policy-gate.jar ARGS}) in this JVM: its exit code and output. */
public record CommandLineRun(int exit, String output) {

    public static CommandLineRun run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = PolicyGateMain.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new CommandLineRun(exit, bytes.toString(StandardCharsets.UTF_8));
    }
}
