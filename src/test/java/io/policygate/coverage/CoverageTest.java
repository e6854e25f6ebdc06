package io.policygate.coverage;

import static io.restassured.RestAssured.given;

import io.policygate.reconcile.ReconciliationSweep;
import io.policygate.testing.LoggedWarnings;
import io.policygate.testing.ServiceTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** What the coverage tests share: the sweep that finds merges and judges postures, the API, the WARN lines. */
abstract class CoverageTest extends ServiceTest {

    @Inject
    ReconciliationSweep sweep;

    final LoggedWarnings warnings = new LoggedWarnings(loggerName());

    /** The logger whose WARN lines the test reads. */
    abstract String loggerName();

    @BeforeEach
    void listen() {
        warnings.listen();
    }

    @AfterEach
    void stopListening() {
        warnings.stop();
    }

    static RequestSpecification api() {
        return given().header("Authorization", "Bearer test-api-token");
    }
}
