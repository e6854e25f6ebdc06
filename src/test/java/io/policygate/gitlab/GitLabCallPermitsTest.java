package io.policygate.gitlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The permits of policy-gate.gitlab.max-concurrent-calls are never lost. A call waiting for one is a Uni over the
 * permit's future; when its subscriber gives up (a timeout or a failure elsewhere cancels it), Mutiny cancels that
 * future. Handing a permit to such a waiter did nothing, and the permit was gone: one fewer call could ever run,
 * and with all of them gone every step waited for its lease (2 minutes) with no call in flight.
 */
class GitLabCallPermitsTest {

    @Test
    void aPermitForAWaiterThatGaveUpGoesToTheNextOne() {
        GitLabCallLimit.Permits permits = new GitLabCallLimit.Permits(1);
        assertTrue(permits.take().isDone(), "the one permit is free");

        Cancellable gaveUp =
                Uni.createFrom().completionStage(permits::take).subscribe().with(ignored -> {});
        CompletableFuture<Void> next = permits.take();
        gaveUp.cancel();

        permits.giveBack();
        assertTrue(next.isDone(), "the waiter after the one that gave up has the permit");
        assertEquals(1, permits.inUse());
        permits.giveBack();
        assertEquals(0, permits.inUse());
        assertTrue(permits.take().isDone(), "and the permit is back for the next call");
    }

    @Test
    void aPermitForWaitersThatAllGaveUpGoesBackToThePool() {
        GitLabCallLimit.Permits permits = new GitLabCallLimit.Permits(1);
        permits.take();
        for (int i = 0; i < 3; i++) {
            Uni.createFrom()
                    .completionStage(permits::take)
                    .subscribe()
                    .with(ignored -> {})
                    .cancel();
        }

        permits.giveBack();
        assertEquals(0, permits.inUse());
        assertTrue(permits.take().isDone());
    }

    @Test
    void aCallGivenUpWhileItWaitsOrRunsGivesItsPermitBackOnce() {
        GitLabApi silent = (GitLabApi) java.lang.reflect.Proxy.newProxyInstance(
                GitLabApi.class.getClassLoader(),
                new Class<?>[] {GitLabApi.class},
                (proxy, method, args) -> Uni.createFrom().nothing());
        io.micrometer.core.instrument.simple.SimpleMeterRegistry metrics =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        GitLabApi limited = GitLabCallLimit.around(silent, 1, java.time.Duration.ofMinutes(1), metrics);
        java.util.function.DoubleSupplier inFlight =
                () -> metrics.get("policy_gate_gitlab_calls_in_flight").gauge().value();

        Cancellable running = limited.mergeRequest(6, 1).subscribe().with(ignored -> {});
        Cancellable waiting = limited.mergeRequest(6, 2).subscribe().with(ignored -> {});
        Cancellable gaveUp = limited.mergeRequest(6, 3).subscribe().with(ignored -> {});
        assertEquals(1.0, inFlight.getAsDouble());
        gaveUp.cancel();
        running.cancel();
        assertEquals(1.0, inFlight.getAsDouble(), "the waiting call has the permit now");
        waiting.cancel();
        assertEquals(0.0, inFlight.getAsDouble(), "every permit is back");
        Cancellable next = limited.mergeRequest(6, 4).subscribe().with(ignored -> {});
        assertEquals(1.0, inFlight.getAsDouble(), "and the next call runs at once");
        next.cancel();
        assertEquals(0.0, inFlight.getAsDouble());
    }
}
