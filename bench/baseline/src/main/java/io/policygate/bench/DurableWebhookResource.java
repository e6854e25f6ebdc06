package io.policygate.bench;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The durable baseline: answers 202 only after the body is committed to PostgreSQL (one INSERT, autocommit),
 * nothing else: the ceiling of any intake that, like policy-gate's, answers only once the webhook is stored.
 * Plain JDBC with a fixed set of connections (as many as policy-gate's pool, 20), so that nothing but the
 * driver is added to the bare application; unused unless {@code baseline.db-url} is set.
 */
@Path("/webhooks/durable")
public class DurableWebhookResource {

    private static final int CONNECTIONS = 20;

    private final Optional<String> url;
    private volatile BlockingQueue<Connection> connections;

    public DurableWebhookResource(@ConfigProperty(name = "baseline.db-url") Optional<String> url) {
        this.url = url;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response accept(byte[] body) throws SQLException, InterruptedException {
        BlockingQueue<Connection> pool = pool();
        Connection c = pool.take();
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO webhook (body) VALUES (?)")) {
            insert.setString(1, new String(body, StandardCharsets.UTF_8));
            insert.executeUpdate();
        } finally {
            pool.put(c);
        }
        return Response.accepted("{\"state\":\"queued\",\"bytes\":" + body.length + "}").build();
    }

    private BlockingQueue<Connection> pool() throws SQLException {
        if (connections == null) {
            synchronized (this) {
                if (connections == null) {
                    String jdbcUrl = url.orElseThrow(() -> new IllegalStateException(
                            "set baseline.db-url (BASELINE_DB_URL) to a jdbc:postgresql: URL"));
                    BlockingQueue<Connection> pool = new ArrayBlockingQueue<>(CONNECTIONS);
                    for (int i = 0; i < CONNECTIONS; i++) {
                        pool.add(DriverManager.getConnection(jdbcUrl));
                    }
                    try (Statement s = pool.peek().createStatement()) {
                        s.execute("CREATE TABLE IF NOT EXISTS webhook (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)");
                    }
                    connections = pool;
                }
            }
        }
        return connections;
    }
}
