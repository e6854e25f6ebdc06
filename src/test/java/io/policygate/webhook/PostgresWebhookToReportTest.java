package io.policygate.webhook;

import io.policygate.testing.OnPostgres;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The whole path on a PostgreSQL journal. */
@QuarkusTest
@TestProfile(OnPostgres.class)
class PostgresWebhookToReportTest extends WebhookToReportTest {}
