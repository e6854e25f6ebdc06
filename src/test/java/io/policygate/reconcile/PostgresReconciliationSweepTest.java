package io.policygate.reconcile;

import io.policygate.testing.OnPostgres;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The sweep on a PostgreSQL journal: what it keeps between sweeps (listed until, open merge requests read in turn). */
@QuarkusTest
@TestProfile(OnPostgres.class)
class PostgresReconciliationSweepTest extends ReconciliationSweepTest {}
