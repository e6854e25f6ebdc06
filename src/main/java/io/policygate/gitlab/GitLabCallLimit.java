package io.policygate.gitlab;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.ProcessingException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * policy-gate.gitlab.max-concurrent-calls: every call of the GitLab client waits for one of that many permits and
 * gives it back when GitLab's answer is read (the client reads an answer whole before it returns), whoever makes
 * it. A blocking call waits on its thread; a {@link Uni} call waits without one, in line behind the calls before
 * it (first come, first served), and fails when no answer has come within the client's connect and read timeouts
 * together. That bound is a guard: a call that hangs must not hold its job in flight. (Steps that never ended
 * without any call of theirs reaching GitLab, seen in benchmark runs, were permits lost to waiters that had given up:
 * see {@link Permits#giveBack}.)
 * policy_gate_gitlab_calls_in_flight shows how many are in progress.
 */
final class GitLabCallLimit {

    private GitLabCallLimit() {}

    /**
     * {@code client}, each of whose calls holds one of {@code limit} permits while it is in progress; an
     * asynchronous call fails (as no answer from GitLab) when none has come after {@code longest}.
     */
    static GitLabApi around(GitLabApi client, int limit, Duration longest, MeterRegistry metrics) {
        if (limit < 1) {
            throw new IllegalStateException(
                    "policy-gate.gitlab.max-concurrent-calls (POLICY_GATE_GITLAB_MAX_CONCURRENT_CALLS)" + " is " + limit
                            + ": at least one call to GitLab must be allowed");
        }
        Permits permits = new Permits(limit);
        metrics.gauge("policy_gate_gitlab_calls_in_flight", permits, Permits::inUse);
        return (GitLabApi) Proxy.newProxyInstance(
                GitLabApi.class.getClassLoader(), new Class<?>[] {GitLabApi.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.invoke(client, args);
                    }
                    if (method.getReturnType() == Uni.class) {
                        return Uni.createFrom().deferred(() -> holding(permits, client, method, args, longest));
                    }
                    awaitPermit(permits);
                    try {
                        return invoke(client, method, args);
                    } finally {
                        permits.giveBack();
                    }
                });
    }

    /**
     * The asynchronous call, once a permit is its turn, with the permit given back exactly once when it ends,
     * whichever way: answered, failed, or given up by its subscriber while it waited, before it started or while it
     * ran. Whether it holds a permit when it ends is what cancelling its turn says: a turn still waiting is
     * cancelled (and {@link Permits#giveBack} passes over it), one already given cannot be, and its permit is
     * given back.
     */
    @SuppressWarnings("unchecked")
    private static Uni<Object> holding(
            Permits permits, GitLabApi client, Method method, Object[] args, Duration longest) {
        CompletableFuture<Void> turn = permits.take();
        return Uni.createFrom()
                .completionStage(turn)
                .onItem()
                .transformToUni(ignored -> {
                    try {
                        return ((Uni<Object>) invoke(client, method, args))
                                .ifNoItem()
                                .after(longest)
                                .failWith(() -> new ProcessingException(
                                        "no answer from GitLab within " + longest.toMillis() + " ms"));
                    } catch (Throwable e) {
                        return Uni.createFrom().failure(e);
                    }
                })
                .onTermination()
                .invoke(() -> {
                    if (!turn.cancel(false)) {
                        permits.giveBack();
                    }
                });
    }

    private static Object invoke(GitLabApi client, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(client, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void awaitPermit(Permits permits) {
        CompletableFuture<Void> turn = permits.take();
        try {
            turn.get();
        } catch (InterruptedException e) {
            // The permit this thread waited for goes to the next in line when its turn comes.
            turn.thenRun(permits::giveBack);
            // Callers take a call that did not happen as no answer (a transient failure).
            Thread.currentThread().interrupt();
            throw new ProcessingException("interrupted while waiting to call GitLab: policy-gate is stopping");
        } catch (ExecutionException e) {
            throw new IllegalStateException("a permit is never refused", e);
        }
    }

    /** A counting semaphore whose waiters are futures, so that waiting needs no thread. */
    static final class Permits {
        private final int limit;
        private final Queue<CompletableFuture<Void>> waiting = new ArrayDeque<>();
        private int available;

        Permits(int limit) {
            this.limit = limit;
            this.available = limit;
        }

        /** Completes when a permit is the caller's. */
        synchronized CompletableFuture<Void> take() {
            if (available > 0) {
                available--;
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> turn = new CompletableFuture<>();
            waiting.add(turn);
            return turn;
        }

        /**
         * Hands the permit to the next in line that still waits, or back to the pool. A waiter whose subscriber gave
         * up has had its future cancelled (Mutiny cancels the stage of {@code Uni.createFrom().completionStage} when
         * its subscription is cancelled): completing it does nothing, and the permit goes on to the next. Handing it
         * to such a waiter lost it, one permit at a time, until no call could run.
         */
        void giveBack() {
            while (true) {
                CompletableFuture<Void> next;
                synchronized (this) {
                    next = waiting.poll();
                    if (next == null) {
                        available++;
                        return;
                    }
                }
                // Outside the lock: completing runs the waiter's call on this thread.
                if (next.complete(null)) {
                    return;
                }
            }
        }

        synchronized int inUse() {
            return limit - available;
        }
    }
}
