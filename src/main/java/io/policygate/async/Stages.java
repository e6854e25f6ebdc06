package io.policygate.async;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/** Waiting for a {@link CompletionStage} where a caller needs its value, and what a failed one failed with. */
public final class Stages {

    private Stages() {}

    /**
     * The stage's value, waiting for it on this thread; a failure is thrown as what the stage failed with, not
     * wrapped, so that callers catch what the synchronous code would have thrown.
     */
    public static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().join();
        } catch (CompletionException e) {
            Throwable cause = cause(e);
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** What a stage failed with: {@code failure} without the wrappers that composing stages adds. */
    public static Throwable cause(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
