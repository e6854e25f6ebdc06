package io.policygate.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JournalDialectTest {

    @ParameterizedTest
    @CsvSource({
        "jdbc:postgresql://db:5432/policygate, POSTGRESQL, postgresql, true, false, false",
        "jdbc:h2:file:./data/policy-gate, H2_FILE, h2, false, true, true",
        "JDBC:H2:FILE:/var/lib/policy-gate/journal;DB_CLOSE_ON_EXIT=FALSE, H2_FILE, h2, false, true, true",
        "jdbc:h2:mem:test, H2_MEMORY, h2, false, false, true",
        "jdbc:h2:tcp://db/./journal, H2_SERVER, h2, false, true, false",
        "jdbc:h2:ssl://db/./journal, H2_SERVER, h2, false, true, false",
        "jdbc:h2:file:./journal;AUTO_SERVER=TRUE, H2_SERVER, h2, false, true, false"
    })
    void theUrlDecidesEverythingThatDependsOnTheDatabase(
            String url,
            JournalDialect dialect,
            String datasource,
            boolean skipLocked,
            boolean checkpointed,
            boolean exclusive) {
        JournalDialect of = JournalDialect.of(url);
        assertEquals(dialect, of);
        assertEquals(datasource, of.datasource());
        assertEquals(skipLocked, of.skipLocked(), "claims with FOR UPDATE SKIP LOCKED");
        assertEquals(checkpointed, of.checkpointed(), "intake forces the file to disk");
        assertEquals(exclusive, of.exclusive(), "every lease in it belongs to a stopped process");
    }
}
