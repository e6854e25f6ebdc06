package io.policygate.journal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The journal in /q/health: ready while it can be written (probed at each call), live until it has been
 * unwritable for longer than policy-gate.db.unwritable-for. A replica whose journal takes no webhook is taken out of
 * the Service at once, and restarted if that lasts.
 */
@ApplicationScoped
public class JournalHealthCheck {

    private final JournalHealth health;

    @Inject
    public JournalHealthCheck(JournalHealth health) {
        this.health = health;
    }

    @Produces
    @Readiness
    HealthCheck writable() {
        return () -> {
            JournalHealth.State state = health.probe();
            return response(state, state.since().isEmpty());
        };
    }

    @Produces
    @Liveness
    HealthCheck notUnwritableForLong() {
        return () -> response(health.state(), !health.unwritableTooLong());
    }

    private static HealthCheckResponse response(JournalHealth.State state, boolean up) {
        HealthCheckResponseBuilder response =
                HealthCheckResponse.named("journal").status(up);
        state.since()
                .ifPresent(since -> response.withData("unwritableSince", since.toString())
                        .withData("problem", String.valueOf(state.problem())));
        return response.build();
    }
}
