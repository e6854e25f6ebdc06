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
 * together. That bound is a guard: in two benchmark runs of 20,000 jobs each, one job's step never ended without
 * any call of it reaching the fake GitLab, and waited for its lease (cause not found); a call that hangs must not
 * hold its job in flight.
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
                        return Uni.createFrom()
                                .completionStage(permits::take)
                                .onItem()
                                .transformToUni(ignored -> invokeHolding(permits, client, method, args)
                                        .ifNoItem()
                                        .after(longest)
                                        .failWith(() -> new ProcessingException(
                                                "no answer from GitLab within " + longest.toMillis() + " ms")));
                    }
                    awaitPermit(permits);
                    try {
                        return invoke(client, method, args);
                    } finally {
                        permits.giveBack();
                    }
                });
    }

    /** The asynchronous call, with the permit given back once it ends, whichever way. */
    @SuppressWarnings("unchecked")
    private static Uni<Object> invokeHolding(Permits permits, GitLabApi client, Method method, Object[] args) {
        Uni<Object> call;
        try {
            call = (Uni<Object>) invoke(client, method, args);
        } catch (Throwable e) {
            permits.giveBack();
            return Uni.createFrom().failure(e);
        }
        return call.onTermination().invoke(permits::giveBack);
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

        /** Hands the permit to the next in line, or back to the pool. */
        void giveBack() {
            CompletableFuture<Void> next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    available++;
                    return;
                }
            }
            // Outside the lock: completing runs the waiter's call on this thread.
            next.complete(null);
        }

        synchronized int inUse() {
            return limit - available;
        }
    }
}
