package io.policygate.gitlab;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.ProcessingException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.Semaphore;

/**
 * policy-gate.gitlab.max-concurrent-calls: every call of the GitLab client waits for one of that many permits and
 * gives it back when GitLab's answer is read (the client reads an answer whole before it returns), whoever makes
 * it. policy_gate_gitlab_calls_in_flight shows how many are in progress.
 */
final class GitLabCallLimit {

    private GitLabCallLimit() {}

    /** {@code client}, each of whose calls holds one of {@code limit} permits while it is in progress. */
    static GitLabApi around(GitLabApi client, int limit, MeterRegistry metrics) {
        if (limit < 1) {
            throw new IllegalStateException(
                    "policy-gate.gitlab.max-concurrent-calls (POLICY_GATE_GITLAB_MAX_CONCURRENT_CALLS)" + " is " + limit
                            + ": at least one call to GitLab must be allowed");
        }
        Semaphore permits = new Semaphore(limit, true);
        metrics.gauge("policy_gate_gitlab_calls_in_flight", permits, p -> limit - p.availablePermits());
        return (GitLabApi) Proxy.newProxyInstance(
                GitLabApi.class.getClassLoader(), new Class<?>[] {GitLabApi.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.invoke(client, args);
                    }
                    try {
                        permits.acquire();
                    } catch (InterruptedException e) {
                        // Callers take a call that did not happen as no answer (a transient failure).
                        Thread.currentThread().interrupt();
                        throw new ProcessingException(
                                "interrupted while waiting to call GitLab: policy-gate is stopping");
                    }
                    try {
                        return method.invoke(client, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        permits.release();
                    }
                });
    }
}
