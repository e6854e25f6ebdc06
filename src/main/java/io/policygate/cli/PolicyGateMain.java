package io.policygate.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * One jar, two uses: without arguments it is the server; with a command ({@code validate}, {@code test},
 * {@code register}, {@code preview}, {@code verify-attestation}) it does that and exits, without starting the server (no port, no database, no
 * GitLab unless the command asks it). Each command has its {@code --help}.
 */
@QuarkusMain
@Command(
        name = "java -jar policy-gate.jar",
        mixinStandardHelpOptions = true,
        versionProvider = PolicyGateMain.Version.class,
        description = "Without a command: the server. With one: that command, then exit (0 success, 1 failures,"
                + " 2 a usage error).",
        subcommands = CommandLine.HelpCommand.class)
public class PolicyGateMain implements Runnable {

    @Spec
    CommandSpec spec;

    public static void main(String... args) {
        if (args.length == 0) {
            Quarkus.run(args);
            return;
        }
        System.exit(run(args, System.out));
    }

    /** Runs a command; returns its exit code: 0 success, 1 policy, test or GitLab failures, 2 usage error. */
    public static int run(String[] args, PrintStream out) {
        PrintWriter writer = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        CommandLine commands = new CommandLine(new PolicyGateMain())
                .addSubcommand(new ValidateCommand(out))
                .addSubcommand(new TestCommand(out))
                .addSubcommand(new RegisterCommand(out))
                .addSubcommand(new PreviewCommand(out))
                .addSubcommand(new VerifyAttestationCommand(out));
        commands.setOut(writer);
        commands.setErr(writer);
        return commands.execute(args);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "give a command, or no argument at all to start the server");
    }

    /**
     * The variable's value, for a secret a command reads from the environment (never from its command line, where
     * every user of the machine could read it).
     *
     * @throws ParameterException when the variable is not set
     */
    static String fromEnv(CommandSpec spec, String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "environment variable " + variable + " is not set");
        }
        return value;
    }

    /** The version of the jar, as Maven wrote it into the manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = PolicyGateMain.class.getPackage().getImplementationVersion();
            return new String[] {"policy-gate " + (version == null ? "(development build)" : version)};
        }
    }
}
