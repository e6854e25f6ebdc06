package io.policygate.journal;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Picks the journal database at run time from {@code policy-gate.db.url} (POLICY_GATE_DB_URL): both
 * datasources are built into the jar, and this activates the PostgreSQL one for a
 * {@code jdbc:postgresql:} URL and the embedded H2 one otherwise. Quarkus fixes a datasource's kind at
 * build time; this is how one artifact serves both.
 */
public class JournalDatabaseConfigSource implements ConfigSourceFactory {

    public static final String URL_KEY = "policy-gate.db.url";
    public static final String DEFAULT_URL = "jdbc:h2:file:./data/policy-gate";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue configured = context.getValue(URL_KEY);
        String url = configured == null || configured.getValue() == null ? DEFAULT_URL : configured.getValue();
        String active = JournalDialect.of(url).datasource();
        String inactive = active.equals("h2") ? "postgresql" : "h2";
        // Below application.properties (250): an operator can still set these keys by hand.
        return List.of(
                new MapBackedConfigSource(
                        "policy-gate journal database",
                        Map.of(
                                "quarkus.datasource." + active + ".active", "true",
                                "quarkus.datasource." + active + ".jdbc.url",
                                        active.equals("h2") ? closedByThePool(url) : url,
                                "quarkus.datasource." + inactive + ".active", "false"),
                        200) {});
    }

    /**
     * H2 closes a database from its own JVM shutdown hook, while Quarkus' shutdown still releases the
     * workers' leases and writes the last notes through the pool ("Database is already closed"). Left open,
     * it closes when the pool closes its last connection, at the end of Quarkus' shutdown.
     */
    static String closedByThePool(String url) {
        return url.toUpperCase(Locale.ROOT).contains(";DB_CLOSE_ON_EXIT=") ? url : url + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(200);
    }
}
