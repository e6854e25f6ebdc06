package io.policygate.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * One jar, two uses: without arguments it is the server; {@code validate [DIR]} and {@code test [DIR]}
 * check policies for a policy repository's CI and exit, without starting the server (no port, no
 * database, no GitLab).
 */
@QuarkusMain
public class PolicyGateMain {

    public static void main(String... args) {
        if (args.length == 0) {
            Quarkus.run(args);
            return;
        }
        System.exit(run(args, System.out));
    }

    /** Runs a command; returns its exit code: 0 success, 1 policy or test failures, 2 usage error. */
    public static int run(String[] args, PrintStream out) {
        if (args[0].equals("register")) {
            return new RegisterCommand(out).run(Arrays.asList(args).subList(1, args.length));
        }
        if (args[0].equals("preview")) {
            return new PreviewCommand(out).run(Arrays.asList(args).subList(1, args.length));
        }
        String dir = args.length > 1 ? args[1] : "policies";
        if (args.length > 2) {
            out.println("too many arguments: " + String.join(" ", Arrays.copyOfRange(args, 2, args.length)));
            return usage(out);
        }
        return switch (args[0]) {
            case "validate" -> new ValidateCommand(out).run(java.nio.file.Path.of(dir));
            case "test" -> new TestCommand(out).run(java.nio.file.Path.of(dir));
            case "help", "--help", "-h" -> {
                usage(out);
                yield 0;
            }
            default -> {
                out.println("unknown command: " + args[0]);
                yield usage(out);
            }
        };
    }

    private static int usage(PrintStream out) {
        out.println("""
                usage: java -jar policy-gate.jar                 start the server
                       java -jar policy-gate.jar validate [DIR]  check the policy files in DIR (default: policies)
                       java -jar policy-gate.jar test [DIR]      run the *.test.yaml policy tests in DIR
                       java -jar policy-gate.jar register ...    create or update the status check on projects (register --help)
                       java -jar policy-gate.jar preview ...     what a policy folder would change on open merge requests (preview --help)""");
        return 2;
    }
}
