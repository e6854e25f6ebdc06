package io.policygate.policy.cel;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;

/**
 * Compiles the CEL of policy files against policy-gate's variables. Compilation happens once per
 * policy load; evaluations only run the compiled program.
 */
public final class ConditionCompiler {

    private static final Cel CEL = CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("mergeRequest", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("project", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("user", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("statusCheck", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .build();

    private ConditionCompiler() {
    }

    /**
     * @throws InvalidConditionException when the text does not compile or cannot be a boolean
     */
    public static CompiledCondition compile(String expression) {
        CelValidationResult result = CEL.compile(expression);
        if (result.hasError()) {
            throw new InvalidConditionException("CEL does not compile: " + result.getErrorString());
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            CelKind kind = ast.getResultType().kind();
            // Map fields are dyn, so `mergeRequest.draft` is only known to be boolean at run time.
            if (kind != CelKind.BOOL && kind != CelKind.DYN) {
                throw new InvalidConditionException(
                        "CEL must be a boolean condition, but this one gives " + ast.getResultType().name());
            }
            return new CompiledCondition(expression, CEL.createProgram(ast));
        } catch (dev.cel.common.CelValidationException | CelEvaluationException e) {
            throw new InvalidConditionException("CEL does not compile: " + e.getMessage());
        }
    }
}
