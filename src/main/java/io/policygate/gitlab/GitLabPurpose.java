package io.policygate.gitlab;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * What a call to GitLab is for, in the order its calls go when GitLab's budget is short: a verdict on a new commit
 * before reading the policy repository (one call every policy-gate.policies.reload-every while nothing changed), that
 * before a note, a note before the reconciliation sweep, the sweep before an external control of GitLab's compliance
 * centre, that before {@code register}'s catch-up and impact previews, and the health checks last. A call is for what
 * the code that makes it says ({@link #during}); calls made without saying are a verdict's (the worker's stages,
 * which run on threads they do not own).
 * policy_gate_gitlab_calls_total counts calls by purpose.
 */
public enum GitLabPurpose {
    VERDICT,
    POLICIES,
    NOTE,
    SWEEP,
    CONTROL,
    REGISTER,
    PREVIEW,
    HEALTH;

    private static final ThreadLocal<GitLabPurpose> CURRENT = new ThreadLocal<>();

    /** What calls made on this thread now are for. */
    public static GitLabPurpose current() {
        GitLabPurpose purpose = CURRENT.get();
        return purpose == null ? VERDICT : purpose;
    }

    /** Runs {@code work} with its calls to GitLab counted and queued as {@code purpose}. */
    public static <T> T during(GitLabPurpose purpose, Supplier<T> work) {
        GitLabPurpose before = CURRENT.get();
        CURRENT.set(purpose);
        try {
            return work.get();
        } finally {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        }
    }

    /** {@link #during} for work without a result. */
    public static void during(GitLabPurpose purpose, Runnable work) {
        during(purpose, () -> {
            work.run();
            return null;
        });
    }

    /** The label value in metrics: verdict, policies, note, sweep, control, register, preview, health. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
