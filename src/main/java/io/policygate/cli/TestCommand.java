package io.policygate.cli;

import io.policygate.policy.PolicySet;
import io.policygate.policytest.PolicyTests;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code test [DIR]}: validates the policies in DIR, then runs every case of every {@code *.test.yaml}
 * in DIR against them ({@link PolicyTests}), offline: what GitLab would answer (changes, commits, author) comes from
 * the case.
 */
@Command(
        name = "test",
        mixinStandardHelpOptions = true,
        description = "Validates the policies in DIR, then runs every case of every *.test.yaml in DIR against them,"
                + " offline: what GitLab would answer comes from the case. Exit 0 when every case passes, 1 otherwise.")
final class TestCommand implements Callable<Integer> {

    private final PrintStream out;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "DIR",
            defaultValue = "policies",
            description = "the policy folder with its *.test.yaml files (default: ${DEFAULT-VALUE})")
    Path dir;

    @Mixin
    WaiverLimitOption waiverLimit = new WaiverLimitOption();

    TestCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        Optional<PolicySet> policies = ValidateCommand.load(dir, waiverLimit.days, out);
        if (policies.isEmpty()) {
            return 1;
        }
        List<String> files = testFiles(dir);
        if (files.isEmpty()) {
            out.println("no *.test.yaml files in " + dir + ": nothing was tested");
            return 1;
        }
        PolicyTests.Results results =
                PolicyTests.run(policies.get(), files, name -> Files.readAllBytes(Path.of(name)), Instant.now());
        results.invalidFiles().forEach(invalid -> invalid.lines().forEach(mistake -> out.println("ERROR " + mistake)));
        for (PolicyTests.CaseResult result : results.cases()) {
            if (result.passed()) {
                out.println("PASS " + result.where() + result.name());
            } else {
                out.println("FAIL " + result.where() + result.name());
                result.problems().forEach(p -> out.println("    " + p));
            }
        }
        out.printf("%d passed, %d failed%n", results.passed(), results.failed());
        return results.failed() == 0 ? 0 : 1;
    }

    private static List<String> testFiles(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(
                            p -> PolicyTests.isTestFileName(p.getFileName().toString()))
                    .sorted()
                    .map(Path::toString)
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
