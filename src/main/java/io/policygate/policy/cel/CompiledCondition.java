package io.policygate.policy.cel;

import dev.cel.common.CelErrorCode;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.Program;
import io.policygate.policy.DataUnavailableException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/** A CEL condition compiled once, evaluated per merge request. Immutable and thread-safe. */
public final class CompiledCondition {

    private final String expression;
    private final Program program;

    CompiledCondition(String expression, Program program) {
        this.expression = expression;
        this.program = program;
    }

    public String expression() {
        return expression;
    }

    /**
     * @throws ConditionEvaluationException when the expression fails at run time (a missing field, a
     *     type mismatch) or does not give a boolean
     */
    public boolean test(Function<String, Optional<Object>> variables) {
        Object value;
        try {
            value = program.eval(variables::apply);
        } catch (CelEvaluationException e) {
            if (e.getErrorCode() == CelErrorCode.ITERATION_BUDGET_EXCEEDED) {
                throw new ConditionEvaluationException("stopped after going through "
                        + String.format(Locale.ROOT, "%,d", ConditionCompiler.MAX_ITERATIONS)
                        + " elements in its comprehensions (all, exists, map, filter), policy-gate's limit for one"
                        + " evaluation: narrow the lists it walks, or nest fewer of them");
            }
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof DataUnavailableException unavailable) {
                    throw unavailable;
                }
            }
            throw new ConditionEvaluationException(e.getMessage());
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw new ConditionEvaluationException("gave " + value + " where a boolean was expected");
    }
}
