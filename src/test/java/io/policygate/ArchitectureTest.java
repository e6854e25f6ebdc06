package io.policygate;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** How the packages may depend on each other: checked on the compiled classes, so a new import cannot slip by. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.policygate");

    @Test
    void noTwoPackagesDependOnEachOther() {
        slices().matching("io.policygate.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void thePolicyEngineKnowsNothingOfHttpGitLabOrTheJournal() {
        noClasses()
                .that()
                .resideInAPackage("io.policygate.policy..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.policygate.gitlab..",
                        "io.policygate.journal..",
                        "io.policygate.webhook..",
                        "io.policygate.worker..",
                        "io.policygate.api..",
                        "io.policygate.web..",
                        "io.policygate.problem..",
                        "jakarta.ws.rs..")
                .check(CLASSES);
    }
}
