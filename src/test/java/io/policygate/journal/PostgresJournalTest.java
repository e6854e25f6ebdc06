package io.policygate.journal;

import io.policygate.testing.OnPostgres;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The journal's key rules (duplicates, supersede, independence) on PostgreSQL, as on H2. */
@QuarkusTest
@TestProfile(OnPostgres.class)
class PostgresJournalTest extends EvaluationKeyTest {}
