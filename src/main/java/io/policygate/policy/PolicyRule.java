package io.policygate.policy;

import io.policygate.policy.rules.OutboundCall;
import io.policygate.policy.rules.Rule;
import java.util.List;
import java.util.Map;

/**
 * A rule as placed in a policy: its type name, the author's failure message (may be null), what an
 * error means, whether it decides the check or is only audited, and the built rule. The author's message
 * replaces the rule's own on failure (an error keeps its own message: it says what went wrong, not what
 * the author should do); the evidence keeps the detail.
 */
public record PolicyRule(String type, String message, OnError onError, PolicyMode mode, Rule rule) {

    /** The calls the rule makes to other services, each marked with the rule's type (see OutboundCall#coveredBy). */
    public List<OutboundCall> outboundCalls() {
        return rule.outboundCalls().stream().map(call -> call.madeBy(type)).toList();
    }

    RuleResult evaluate(RuleContext context) {
        return explained(outcomeOf(context)).inMode(mode);
    }

    private RuleResult explained(RuleResult result) {
        if (result.outcome() == Outcome.ERROR && onError == OnError.SKIP) {
            return new RuleResult(
                    type, Outcome.SKIPPED, "skipped (onError: skip): " + result.message(), result.evidence());
        }
        if (result.outcome() == Outcome.FAILED && message != null) {
            return new RuleResult(result.type(), result.outcome(), message, result.evidence());
        }
        return result;
    }

    private RuleResult outcomeOf(RuleContext context) {
        try {
            return rule.evaluate(context);
        } catch (DataUnavailableException e) {
            return RuleResult.error(
                    type,
                    "could not read what this rule needs: " + e.getMessage(),
                    new Evidence(Map.of("error", e.getMessage()), "the merge request's data from GitLab"));
        } catch (RuntimeException | StackOverflowError e) {
            // A rule (possibly a plug-in) that throws must not take the verdict down with it: fail closed. A stack
            // overflow is the rule's own (its input nested too deep), not the process's.
            return RuleResult.error(
                    type, "rule failed: " + e, new Evidence(Map.of("error", String.valueOf(e)), "no error"));
        } catch (VirtualMachineError e) {
            // Out of memory, an internal error of the JVM: the process cannot go on (-XX:+ExitOnOutOfMemoryError).
            throw e;
        } catch (Error e) {
            // A plug-in's linkage or assertion error, say: the rule is broken, the verdict fails closed.
            return RuleResult.error(
                    type, "rule failed: " + e, new Evidence(Map.of("error", String.valueOf(e)), "no error"));
        }
    }
}
