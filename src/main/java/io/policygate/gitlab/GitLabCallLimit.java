package io.policygate.gitlab;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.policygate.tracing.Traces;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Every call of the GitLab client, whoever makes it, goes through here: it waits for a permit (at most
 * {@link ConcurrencyLimit#limit()} calls are in progress at once), then for its turn in GitLab's budget
 * ({@link GitLabBudget}), and its answer's rate-limit headers feed that budget; it is counted in
 * policy_gate_gitlab_calls_total{endpoint, status, purpose}. Waiting calls go in the order of their
 * {@link GitLabPurpose} (a verdict before a note, a sweep or a preview), first come first served within one. A
 * blocking call waits on its thread; a {@link Uni} call waits without one, and fails when no answer has come within
 * the client's connect and read timeouts together once it has started. That bound is a guard: a call that hangs
 * must not hold its job in flight. (Steps that never ended without any call of theirs reaching GitLab, seen in
 * benchmark runs, were permits lost to waiters that had given up: see {@link Permits#giveBack}.)
 */
final class GitLabCallLimit {

    private GitLabCallLimit() {}

    /**
     * {@code client}, each of whose calls holds a permit while it is in progress, at most {@code ceiling} at once; an
     * asynchronous call fails (as no answer from GitLab) when none has come after {@code longest}.
     */
    static GitLabApi around(
            GitLabApi client,
            int ceiling,
            Duration longest,
            GitLabBudget budget,
            MeterRegistry metrics,
            Traces traces) {
        if (ceiling < 1) {
            throw new IllegalStateException("policy-gate.gitlab.max-concurrent-calls"
                    + " (POLICY_GATE_GITLAB_MAX_CONCURRENT_CALLS) is " + ceiling
                    + ": at least one call to GitLab must be allowed");
        }
        Permits permits = new Permits(new ConcurrencyLimit(ceiling));
        metrics.gauge("policy_gate_gitlab_calls_in_flight", permits, Permits::inUse);
        metrics.gauge("policy_gate_gitlab_concurrency_limit", permits, Permits::limit);
        Calls calls = new Calls(budget, metrics, traces);
        return (GitLabApi) Proxy.newProxyInstance(
                GitLabApi.class.getClassLoader(), new Class<?>[] {GitLabApi.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.invoke(client, args);
                    }
                    GitLabPurpose purpose = GitLabPurpose.current();
                    if (method.getReturnType() == Uni.class) {
                        return Uni.createFrom()
                                .deferred(() ->
                                        holding(permits, calls.of(method, purpose), client, method, args, longest));
                    }
                    awaitPermit(permits, purpose);
                    Call call = calls.of(method, purpose);
                    Span span = null;
                    try {
                        for (Duration wait = budget.take(); !wait.isZero(); wait = budget.recheck()) {
                            sleep(wait);
                        }
                        long started = System.nanoTime();
                        span = call.span(Context.current());
                        Response response = (Response) invoke(client, method, args);
                        permits.answered(call.answered(response, span), System.nanoTime() - started);
                        return response;
                    } catch (RuntimeException e) {
                        permits.answered(call.unanswered(span), 0);
                        throw e;
                    } finally {
                        permits.giveBack();
                    }
                });
    }

    /**
     * The asynchronous call, once a permit is its turn and GitLab's budget lets it go, with the permit given back
     * exactly once when it ends, whichever way: answered, failed, or given up by its subscriber while it waited,
     * before it started or while it ran. Whether it holds a permit when it ends is what cancelling its turn says: a
     * turn still waiting is cancelled (and {@link Permits#giveBack} passes over it), one already given cannot be, and
     * its permit is given back.
     */
    @SuppressWarnings("unchecked")
    private static Uni<Object> holding(
            Permits permits, Call call, GitLabApi client, Method method, Object[] args, Duration longest) {
        CompletableFuture<Void> turn = permits.take(call.purpose());
        AtomicLong started = new AtomicLong();
        // The span's parent is whatever was current when the call was asked for: the step, its evaluation, its report.
        Context caller = Context.current();
        AtomicReference<Span> span = new AtomicReference<>();
        return Uni.createFrom()
                .completionStage(turn)
                .onItem()
                .transformToUni(
                        ignored -> turnInBudget(call.budget(), call.budget().take()))
                .onItem()
                .transformToUni(ignored -> {
                    started.set(System.nanoTime());
                    span.set(call.span(caller));
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
                .onItemOrFailure()
                .invoke((answer, failure) -> {
                    if (started.get() != 0) {
                        permits.answered(
                                failure == null
                                        ? call.answered((Response) answer, span.get())
                                        : call.unanswered(span.get()),
                                System.nanoTime() - started.get());
                    }
                })
                .onTermination()
                .invoke(() -> {
                    if (!turn.cancel(false)) {
                        permits.giveBack();
                    }
                });
    }

    /** Done once GitLab's budget lets the call go: after {@code wait}, and longer if GitLab has said meanwhile. */
    private static Uni<Void> turnInBudget(GitLabBudget budget, Duration wait) {
        return wait.isZero()
                ? Uni.createFrom().voidItem()
                : Uni.createFrom()
                        .voidItem()
                        .onItem()
                        .delayIt()
                        .by(wait)
                        .onItem()
                        .transformToUni(ignored -> turnInBudget(budget, budget.recheck()));
    }

    private static Object invoke(GitLabApi client, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(client, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void sleep(Duration wait) {
        if (wait.isZero()) {
            return;
        }
        try {
            Thread.sleep(wait.toMillis(), (int) (wait.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProcessingException("interrupted while waiting to call GitLab: policy-gate is stopping");
        }
    }

    private static void awaitPermit(Permits permits, GitLabPurpose purpose) {
        CompletableFuture<Void> turn = permits.take(purpose);
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

    /** How one call's answer counts for the limit: GitLab coped, or was overloaded (429, 5xx, no answer). */
    enum Answered {
        COPED,
        OVERLOADED
    }

    /**
     * What the calls of one client count: by endpoint, status and purpose, and GitLab's budget; and the span each is,
     * named by the client method's HTTP method and path template ({@code GET /projects/{id}/merge_requests/{iid}}):
     * never the address with its values, never a header (the token is one).
     */
    private record Calls(GitLabBudget budget, MeterRegistry metrics, Traces traces) {
        Call of(Method method, GitLabPurpose purpose) {
            return new Call(endpoint(method), httpMethod(method), template(method), purpose, budget, metrics, traces);
        }

        private static String httpMethod(Method method) {
            for (java.lang.annotation.Annotation annotation : method.getAnnotations()) {
                HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
                if (http != null) {
                    return http.value();
                }
            }
            return "GET";
        }

        private static String template(Method method) {
            Path path = method.getAnnotation(Path.class);
            return path == null ? "/" : path.value();
        }

        /**
         * The endpoint label: the client method's name in snake case (merge_request, compare, create_note…), the
         * status report as status_check_responses.
         */
        private static String endpoint(Method method) {
            if (method.getName().equals("postStatusCheckResponse")) {
                return "status_check_responses";
            }
            return method.getName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One call: where its answer is counted, and its span. */
    private record Call(
            String endpoint,
            String httpMethod,
            String template,
            GitLabPurpose purpose,
            GitLabBudget budget,
            MeterRegistry metrics,
            Traces traces) {

        /** The call's span, started now as a child of {@code parent}. */
        Span span(Context parent) {
            return traces.span(httpMethod + " " + template, parent)
                    .setSpanKind(SpanKind.CLIENT)
                    .setAttribute("http.request.method", httpMethod)
                    .setAttribute("url.template", template)
                    .setAttribute("gitlab.endpoint", endpoint)
                    .setAttribute("policy_gate.purpose", purpose.label())
                    .startSpan();
        }

        /** Counts GitLab's answer, and ends {@code span} (null when the call never started) with its status. */
        Answered answered(Response response, Span span) {
            budget.observe(response.getStatus(), response::getHeaderString);
            count(String.valueOf(response.getStatus()));
            int status = response.getStatus();
            if (span != null) {
                span.setAttribute("http.response.status_code", status);
                if (status >= 400) {
                    span.setStatus(StatusCode.ERROR);
                }
                span.end();
            }
            return status == 429 || status >= 500 ? Answered.OVERLOADED : Answered.COPED;
        }

        Answered unanswered(Span span) {
            count("no-answer");
            if (span != null) {
                span.setAttribute("error.type", "no-answer").setStatus(StatusCode.ERROR);
                span.end();
            }
            return Answered.OVERLOADED;
        }

        private void count(String status) {
            metrics.counter(
                            "policy_gate_gitlab_calls",
                            "endpoint",
                            endpoint,
                            "status",
                            status,
                            "purpose",
                            purpose.label())
                    .increment();
        }
    }

    /**
     * How many calls may be in progress at once: adapted to how GitLab answers, between one and
     * policy-gate.gitlab.max-concurrent-calls. It grows by one with every answer while all permits are in use and
     * GitLab answers in about the time it takes when idle (more calls at once cost GitLab nothing yet), and shrinks by
     * a quarter, at most once per {@link #CALM}, when GitLab answers 429, a server error or nothing, or when its
     * answers take, on average, more than twice as long as when idle plus {@link #SLACK} (calls are queueing inside
     * GitLab). Its idle time is the quickest answer of the last minute; the average is a moving one over about the
     * last fifty answers, so that one slow answer (a large diff, a pause of this JVM) does not shrink it. An additive
     * increase and multiplicative decrease, as TCP's congestion control and Netflix's concurrency-limits (AIMDLimit)
     * do; written here because that library is not among those served to this build.
     */
    static final class ConcurrencyLimit {
        private static final long CALM = TimeUnit.SECONDS.toNanos(1);
        private static final long SLACK = TimeUnit.MILLISECONDS.toNanos(50);
        private static final long BASELINE_FOR = TimeUnit.MINUTES.toNanos(1);
        private static final double SMOOTHING = 1 / 50.0;
        private static final int START = 8;

        private final int ceiling;
        private double limit;
        private double average;
        private long quickest = Long.MAX_VALUE;
        private long quickestThisMinute = Long.MAX_VALUE;
        private long minuteStarted = System.nanoTime();
        private long lastDecrease = System.nanoTime() - CALM;

        ConcurrencyLimit(int ceiling) {
            this.ceiling = ceiling;
            this.limit = Math.min(START, ceiling);
        }

        int limit() {
            return (int) limit;
        }

        /** One call's answer, after {@code nanos}, while {@code inUse} permits were taken. */
        void answered(Answered answered, long nanos, int inUse) {
            long now = System.nanoTime();
            if (now - minuteStarted > BASELINE_FOR) {
                quickest = quickestThisMinute;
                quickestThisMinute = Long.MAX_VALUE;
                minuteStarted = now;
            }
            boolean slow = false;
            if (answered == Answered.COPED) {
                quickestThisMinute = Math.min(quickestThisMinute, nanos);
                quickest = Math.min(quickest, nanos);
                average = average == 0 ? nanos : average + (nanos - average) * SMOOTHING;
                slow = average > 2.0 * quickest + SLACK;
            }
            if (answered == Answered.OVERLOADED || slow) {
                if (now - lastDecrease > CALM) {
                    limit = Math.max(1, limit * 0.75);
                    lastDecrease = now;
                }
            } else if (inUse >= (int) limit) {
                limit = Math.min(ceiling, limit + 1);
            }
        }
    }

    /**
     * A counting semaphore whose waiters are futures, so that waiting needs no thread, handed out by purpose and then
     * in order of arrival, and whose size is the adaptive {@link ConcurrencyLimit}.
     */
    static final class Permits {
        private record Waiter(GitLabPurpose purpose, long arrival, CompletableFuture<Void> turn) {}

        private final ConcurrencyLimit limit;
        private final Queue<Waiter> waiting =
                new PriorityQueue<>(Comparator.comparing(Waiter::purpose).thenComparingLong(Waiter::arrival));
        private long arrivals;
        private int inUse;

        Permits(ConcurrencyLimit limit) {
            this.limit = limit;
        }

        /** Completes when a permit is the caller's. */
        synchronized CompletableFuture<Void> take(GitLabPurpose purpose) {
            if (inUse < limit.limit() && waiting.isEmpty()) {
                inUse++;
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> turn = new CompletableFuture<>();
            waiting.add(new Waiter(purpose, arrivals++, turn));
            return turn;
        }

        /** A call holding a permit was answered (or not) after {@code nanos}: the limit learns from it. */
        synchronized void answered(Answered answered, long nanos) {
            limit.answered(answered, nanos, inUse);
        }

        /**
         * Gives a permit back and hands permits to the next in line that still wait, as many as the limit allows
         * now. A waiter whose subscriber gave up has had its future cancelled (Mutiny cancels the stage of
         * {@code Uni.createFrom().completionStage} when its subscription is cancelled): completing it does nothing,
         * and the permit goes on to the next. Handing it to such a waiter lost it, one permit at a time, until no call
         * could run.
         */
        void giveBack() {
            synchronized (this) {
                inUse--;
            }
            handOut();
        }

        private void handOut() {
            while (true) {
                Waiter next;
                synchronized (this) {
                    if (inUse >= limit.limit() || waiting.isEmpty()) {
                        return;
                    }
                    next = waiting.poll();
                    inUse++;
                }
                // Outside the lock: completing runs the waiter's call on this thread.
                if (!next.turn().complete(null)) {
                    synchronized (this) {
                        inUse--;
                    }
                }
            }
        }

        synchronized int inUse() {
            return inUse;
        }

        synchronized int limit() {
            return limit.limit();
        }
    }
}
