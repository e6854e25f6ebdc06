package io.policygate.policy.cel;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationResult;
import dev.cel.common.CelVarDecl;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import io.policygate.policy.Glob;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles the CEL of policy files against policy-gate's variables. Compilation happens once per
 * policy load; evaluations only run the compiled program.
 */
public final class ConditionCompiler {

    /**
     * Elements a condition may go through in its comprehensions (all, exists, exists_one, map, filter), counted
     * over one evaluation, nested ones multiplied: a file-by-commit loop over a merge request at GitLab's limits
     * would be 10 million. Past it the condition stops with an error, so that one policy cannot hold a worker
     * (CEL counts; it cannot be interrupted). Measured here (ExpressionRuleTest, a cold JVM on a shared core):
     * a million steps of a nested loop took 6.3 s, so the budget is 200,000, about a second at worst.
     */
    public static final int MAX_ITERATIONS = 200_000;

    private static final Cel CEL = CelFactory.standardCelBuilder()
            .setOptions(CelOptions.current()
                    .comprehensionMaxIterations(MAX_ITERATIONS)
                    .build())
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setTypeProvider(ConditionVariables.TYPES)
            .addVarDeclarations(ConditionVariables.VARIABLES.entrySet().stream()
                    .map(variable -> CelVarDecl.newVarDeclaration(variable.getKey(), variable.getValue()))
                    .toList())
            .addFunctionDeclarations(CelFunctionDecl.newFunctionDeclaration(
                    "glob",
                    CelOverloadDecl.newGlobalOverload(
                            "glob_string_string", SimpleType.BOOL, SimpleType.STRING, SimpleType.STRING)))
            .addFunctionBindings(
                    CelFunctionBinding.from("glob_string_string", String.class, String.class, ConditionCompiler::glob))
            .build();
    /**
     * Why {@code user} and {@code mergeRequest.action} are gone: they were only ever in the webhook's body, which
     * anyone holding the shared secret can write, and a verdict must follow from what GitLab says.
     */
    private static final String ONLY_IN_BODIES = "Who triggered a webhook (user) and its action were only in the"
            + " webhook's body, which policy-gate no longer trusts: verdicts follow from GitLab's facts about the"
            + " merge request (for its author: mergeRequest.author.id, or the author rule)";

    private static final int GLOB_CACHE_LIMIT = 1000;
    private static final Map<String, Glob> GLOBS = new ConcurrentHashMap<>();

    private ConditionCompiler() {}

    /** glob(path, pattern) in CEL: policy authors' glob syntax, patterns compiled once. */
    private static boolean glob(String path, String pattern) {
        if (GLOBS.size() > GLOB_CACHE_LIMIT) {
            GLOBS.clear();
        }
        return GLOBS.computeIfAbsent(pattern, Glob::of).matches(path);
    }

    /**
     * A policy's {@code appliesTo.when}: a condition on the merge request, its project and its status check. It may
     * not read {@code changes}, {@code commits} or {@code approvals}: whether a policy applies is decided before any of its rules
     * runs, from the facts read for every merge request, and the changes are read only when a rule needs them
     * (what a commit changed belongs in a rule: paths, size, an expression rule).
     *
     * @throws InvalidConditionException when the text does not compile, cannot be a boolean, or reads changes,
     *     commits or approvals
     */
    public static CompiledCondition compileSelector(String expression) {
        return compile(expression, true);
    }

    /**
     * @throws InvalidConditionException when the text does not compile or cannot be a boolean
     */
    public static CompiledCondition compile(String expression) {
        return compile(expression, false);
    }

    /** A field or variable CEL does not know, as its error names it. */
    private static final Pattern UNKNOWN_NAME = Pattern.compile("(?:undefined field|undeclared reference to) '(\\w+)'");

    /** "; did you mean 'labels'?" for the first unknown name CEL reports, when a known one is close. */
    private static String meant(String error) {
        Matcher unknown = UNKNOWN_NAME.matcher(error);
        return unknown.find()
                ? ConditionVariables.closest(unknown.group(1))
                        .map(name -> ". Did you mean '" + name + "'?")
                        .orElse("")
                : "";
    }

    private static CompiledCondition compile(String expression, boolean selector) {
        CelValidationResult result = CEL.compile(expression);
        if (result.hasError()) {
            String error = result.getErrorString();
            if (error.contains("undefined field 'action'") && expression.contains("mergeRequest.action")) {
                throw new InvalidConditionException("mergeRequest.action is not available. " + ONLY_IN_BODIES);
            }
            String meant = meant(error);
            throw new InvalidConditionException("CEL does not compile: " + error
                    + (error.contains("undeclared reference to 'user'") ? ". " + ONLY_IN_BODIES : "")
                    + meant
                    + (error.contains("undefined field") || error.contains("undeclared reference")
                            ? (meant.isEmpty() ? ". " : " ") + "Known fields: " + ConditionVariables.known()
                            : ""));
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            if (selector) {
                readChanges(ast).ifPresent(name -> {
                    throw new InvalidConditionException("when may not read " + name + ": whether a policy applies"
                            + " is decided from the merge request, its project and its status check, before its rules"
                            + " run. Check " + name + " in a rule instead (paths, size, commits, approvals, or an"
                            + " expression rule)");
                });
            }
            CelKind kind = ast.getResultType().kind();
            // Every field has a declared type, so only a bool is a condition (dyn: CEL cannot tell, e.g. a list
            // element of a comprehension over a dyn value, and the evaluation then checks it).
            if (kind != CelKind.BOOL && kind != CelKind.DYN) {
                throw new InvalidConditionException("CEL must be a boolean condition, but this one gives "
                        + ast.getResultType().name());
            }
            return new CompiledCondition(expression, CEL.createProgram(ast));
        } catch (dev.cel.common.CelValidationException | CelEvaluationException e) {
            throw new InvalidConditionException("CEL does not compile: " + e.getMessage());
        }
    }

    /** The first of the variables read from GitLab on demand (changes, commits, approvals) the expression reads. */
    private static Optional<String> readChanges(CelAbstractSyntaxTree ast) {
        return CelNavigableAst.fromAst(ast)
                .getRoot()
                .allNodes()
                .filter(node -> node.getKind() == CelExpr.ExprKind.Kind.IDENT)
                .map(node -> node.expr().ident().name())
                .filter(name -> name.equals("changes") || name.equals("commits") || name.equals("approvals"))
                .findFirst();
    }
}
