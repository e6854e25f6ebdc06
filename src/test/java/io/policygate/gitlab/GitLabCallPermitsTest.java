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
        GitLabCallLimit.Permits permits = new GitLabCallLimit.Permits(new GitLabCallLimit.ConcurrencyLimit(1));
        assertTrue(permits.take(GitLabPurpose.VERDICT).isDone(), "the one permit is free");

        Cancellable gaveUp = Uni.createFrom()
                .completionStage(() -> permits.take(GitLabPurpose.VERDICT))
                .subscribe()
                .with(ignored -> {});
        CompletableFuture<Void> next = permits.take(GitLabPurpose.VERDICT);
        gaveUp.cancel();

        permits.giveBack();
        assertTrue(next.isDone(), "the waiter after the one that gave up has the permit");
        assertEquals(1, permits.inUse());
        permits.giveBack();
        assertEquals(0, permits.inUse());
        assertTrue(permits.take(GitLabPurpose.VERDICT).isDone(), "and the permit is back for the next call");
    }

    @Test
    void aPermitForWaitersThatAllGaveUpGoesBackToThePool() {
        GitLabCallLimit.Permits permits = new GitLabCallLimit.Permits(new GitLabCallLimit.ConcurrencyLimit(1));
        permits.take(GitLabPurpose.VERDICT);
        for (int i = 0; i < 3; i++) {
            Uni.createFrom()
                    .completionStage(() -> permits.take(GitLabPurpose.VERDICT))
                    .subscribe()
                    .with(ignored -> {})
                    .cancel();
        }

        permits.giveBack();
        assertEquals(0, permits.inUse());
        assertTrue(permits.take(GitLabPurpose.VERDICT).isDone());
    }

    @Test
    void aCallGivenUpWhileItWaitsOrRunsGivesItsPermitBackOnce() {
        GitLabApi silent = (GitLabApi) java.lang.reflect.Proxy.newProxyInstance(
                GitLabApi.class.getClassLoader(),
                new Class<?>[] {GitLabApi.class},
                (proxy, method, args) -> Uni.createFrom().nothing());
        io.micrometer.core.instrument.simple.SimpleMeterRegistry metrics =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        GitLabApi limited = GitLabCallLimit.around(
                silent,
                1,
                java.time.Duration.ofMinutes(1),
                new GitLabBudget(0.25, java.time.Clock.systemUTC(), metrics),
                metrics,
                new io.policygate.tracing.Traces(
                        io.opentelemetry.api.OpenTelemetry.noop().getTracer("test"), true));
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

    @Test
    void whenCallsWaitAVerdictGoesFirstThenANoteThenTheSweepThenAPreview() {
        GitLabCallLimit.Permits permits = new GitLabCallLimit.Permits(new GitLabCallLimit.ConcurrencyLimit(1));
        permits.take(GitLabPurpose.VERDICT);
        java.util.List<GitLabPurpose> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (GitLabPurpose purpose : java.util.List.of(
                GitLabPurpose.PREVIEW, GitLabPurpose.SWEEP, GitLabPurpose.VERDICT, GitLabPurpose.NOTE)) {
            permits.take(purpose).thenRun(() -> order.add(purpose));
        }

        for (int i = 0; i < 4; i++) {
            permits.giveBack();
        }

        assertEquals(
                java.util.List.of(
                        GitLabPurpose.VERDICT, GitLabPurpose.NOTE, GitLabPurpose.SWEEP, GitLabPurpose.PREVIEW),
                order);
    }

    @Test
    void theLimitGrowsWhileGitLabAnswersAsFastAsWhenIdleAndShrinksWhenItDoesNot() {
        GitLabCallLimit.ConcurrencyLimit limit = new GitLabCallLimit.ConcurrencyLimit(64);
        assertEquals(8, limit.limit(), "it starts at 8");
        long quarterSecond = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(250);
        for (int i = 0; i < 200; i++) {
            limit.answered(GitLabCallLimit.Answered.COPED, quarterSecond, limit.limit());
        }
        assertEquals(64, limit.limit(), "grown to the ceiling while every permit was in use");

        limit.answered(GitLabCallLimit.Answered.OVERLOADED, quarterSecond, 64);
        assertEquals(48, limit.limit(), "a 429, 5xx or no answer takes a quarter off");
        limit.answered(GitLabCallLimit.Answered.OVERLOADED, quarterSecond, 48);
        assertEquals(48, limit.limit(), "once a second, whatever the calls that failed together");

        GitLabCallLimit.ConcurrencyLimit slowing = new GitLabCallLimit.ConcurrencyLimit(64);
        slowing.answered(GitLabCallLimit.Answered.COPED, quarterSecond, 1);
        assertEquals(8, slowing.limit(), "no growth while permits are left unused");
        slowing.answered(GitLabCallLimit.Answered.COPED, 3 * quarterSecond, 1);
        assertEquals(8, slowing.limit(), "one slow answer is not GitLab queueing");
        for (int i = 0; i < 100; i++) {
            slowing.answered(GitLabCallLimit.Answered.COPED, 3 * quarterSecond, 1);
        }
        assertEquals(6, slowing.limit(), "answers three times slower on average: GitLab is queueing");
    }
}
