package io.policygate.coverage;

import io.policygate.testing.OnPostgres;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Merges accounted for on a PostgreSQL journal: its records, coverage start and filters. */
@QuarkusTest
@TestProfile(OnPostgres.class)
class PostgresMergeAuditTest extends MergeAuditTest {}
