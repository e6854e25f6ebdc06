package io.policygate.event;

/** What a well-formed webhook body turned out to be. */
public sealed interface ParsedEvent {

    /**
     * A merge request event to evaluate, and what is stored of the webhook: its body with only the fields
     * policy-gate reads (JSON), which names what to look at.
     */
    record Actionable(String payload, MergeRequestEvent event) implements ParsedEvent {}

    /** A well-formed event we deliberately do not act on, with the reason told to the sender. */
    record Ignored(String reason) implements ParsedEvent {}
}
