package io.policygate.event;

/** What a well-formed webhook body turned out to be: something to act on, or an event deliberately ignored. */
public sealed interface Parsed<T> {

    /** What to act on: a {@link Trigger} at intake, a {@link MergeRequestEvent} in a dry run. */
    record Actionable<T>(T value) implements Parsed<T> {}

    /** A well-formed event we deliberately do not act on, with the reason told to the sender. */
    record Ignored<T>(String reason) implements Parsed<T> {}
}
