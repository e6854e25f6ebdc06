package io.policygate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.policy.rules.Rule;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever a rule throws (a built-in's bug, a plug-in's), its result is an error that fails closed, never a step that
 * fails: a stack overflow included, which a rule's own input can cause. Only the process's own failures (out of
 * memory) go on up.
 */
class PolicyRuleTest {

    static Stream<Arguments> thrown() {
        return Stream.of(
                Arguments.of("a runtime exception", (Supplier<Throwable>) () -> new IllegalStateException("bug")),
                Arguments.of("a stack overflow", (Supplier<Throwable>) StackOverflowError::new),
                Arguments.of("a plug-in's missing class", (Supplier<Throwable>) () -> new NoClassDefFoundError("x/Y")),
                Arguments.of("an assertion", (Supplier<Throwable>) () -> new AssertionError("never")));
    }

    private static RuleResult evaluate(Rule rule) {
        return new PolicyRule("plug-in", "custom message", OnError.FAIL, PolicyMode.ENFORCE, rule)
                .evaluate(new RuleContext(
                        FakeMergeRequest.sample(),
                        FakeMergeRequestData.of(List.of(), List.of()),
                        java.time.Instant.parse("2026-12-03T12:00:00Z")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("thrown")
    void whatARuleThrowsIsARuleError(String name, Supplier<Throwable> thrown) {
        RuleResult result = evaluate(context -> {
            Throwable t = thrown.get();
            if (t instanceof Error e) {
                throw e;
            }
            throw (RuntimeException) t;
        });
        assertEquals(Outcome.ERROR, result.outcome());
        assertTrue(
                result.message()
                        .startsWith("rule failed: " + thrown.get().getClass().getName()),
                result.message());
    }

    @Test
    void outOfMemoryIsTheProcesssNotTheRules() {
        assertThrows(
                OutOfMemoryError.class,
                () -> evaluate(context -> {
                    throw new OutOfMemoryError("Java heap space");
                }));
    }
}
