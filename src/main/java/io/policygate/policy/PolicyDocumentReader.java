package io.policygate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.policygate.policy.cel.CompiledCondition;
import io.policygate.policy.cel.ConditionCompiler;
import io.policygate.policy.cel.InvalidConditionException;
import io.policygate.policy.rules.InvalidRuleException;
import io.policygate.policy.rules.OutboundCall;
import io.policygate.policy.rules.RuleType;
import io.policygate.policy.rules.RuleTypes;
import io.policygate.policy.rules.SecretGrants;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** A policy document: its name, mode, scope and rules, each rule bound to its type's configuration. */
final class PolicyDocumentReader extends DocumentReader {

    private static final List<String> RULE_COMMON_FIELDS = List.of("type", "message", "onError", "mode");

    /** The fields of a policy document; rules stay trees until their type is known. */
    record PolicyDocument(
            String name, PolicyMode mode, String description, AppliesToDocument appliesTo, List<JsonNode> rules) {}

    record AppliesToDocument(
            List<JsonNode> projects, List<String> targetBranches, List<String> statusChecks, String when) {}

    private final RuleTypes ruleTypes;
    /** The calls to other services a rule may make; null when any is allowed. */
    private final List<OutboundCall> allowedCalls;
    /** The environment variables a rule may send, and where. */
    private final SecretGrants secrets;

    PolicyDocumentReader(
            String file,
            YamlDocument document,
            List<PolicyError> errors,
            RuleTypes ruleTypes,
            List<OutboundCall> allowedCalls,
            SecretGrants secrets) {
        super(file, document, errors);
        this.ruleTypes = ruleTypes;
        this.allowedCalls = allowedCalls;
        this.secrets = secrets;
    }

    Policy read() {
        if (!document.root().isObject()) {
            error("", "a policy document must be a mapping with name and rules");
            return null;
        }
        PolicyDocument doc = bind(document.root(), "", PolicyDocument.class);
        if (doc == null) {
            return null;
        }
        if (doc.name() == null || doc.name().isBlank()) {
            error("/name", "is required: a name unique across all policy files");
        }
        if (doc.rules() == null || doc.rules().isEmpty()) {
            error("/rules", "is required: a list of at least one rule");
        }
        AppliesTo appliesTo = doc.appliesTo() == null ? AppliesTo.ANY : appliesTo(doc.appliesTo());
        List<PolicyRule> rules = new ArrayList<>();
        List<JsonNode> ruleNodes = doc.rules() == null ? List.of() : doc.rules();
        for (int i = 0; i < ruleNodes.size(); i++) {
            PolicyRule rule = rule(ruleNodes.get(i), "/rules/" + i);
            if (rule != null) {
                rules.add(rule);
            }
        }
        PolicyMode mode = doc.mode() == null ? PolicyMode.ENFORCE : doc.mode();
        String description = doc.description() == null ? "" : doc.description();
        return new Policy(doc.name(), mode, description, appliesTo, rules, new PolicySource(file, document.line()));
    }

    private AppliesTo appliesTo(AppliesToDocument doc) {
        List<Long> ids = new ArrayList<>();
        List<Glob> paths = new ArrayList<>();
        projects(doc.projects() == null ? List.of() : doc.projects(), "/appliesTo/projects", ids, paths);
        CompiledCondition when = null;
        if (doc.when() != null) {
            try {
                when = ConditionCompiler.compileSelector(doc.when());
            } catch (InvalidConditionException e) {
                error("/appliesTo/when", e.getMessage());
            }
        }
        return new AppliesTo(ids, paths, globs(doc.targetBranches()), globs(doc.statusChecks()), when);
    }

    private PolicyRule rule(JsonNode node, String pointer) {
        if (!node.isObject()) {
            error(pointer, "a rule must be a mapping with a type");
            return null;
        }
        JsonNode typeNode = node.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            error(pointer + "/type", "is required; one of " + ruleTypes.names());
            return null;
        }
        RuleType<?> type = ruleTypes.find(typeNode.textValue()).orElse(null);
        if (type == null) {
            error(pointer + "/type", "unknown rule type '" + typeNode.textValue() + "'; one of " + ruleTypes.names());
            return null;
        }
        JsonNode messageNode = node.get("message");
        if (messageNode != null && !messageNode.isTextual()) {
            error(pointer + "/message", "must be a string");
            return null;
        }
        OnError onError = option(node, "onError", pointer, OnError.values(), OnError::wireName, OnError.FAIL);
        PolicyMode mode = option(node, "mode", pointer, PolicyMode.values(), PolicyMode::wireName, PolicyMode.ENFORCE);
        if (onError == null || mode == null) {
            return null;
        }
        ObjectNode config = ((ObjectNode) node).deepCopy();
        config.remove(RULE_COMMON_FIELDS);
        Object bound = bind(config, pointer, type.configType());
        if (bound == null) {
            return null;
        }
        try {
            PolicyRule rule = new PolicyRule(
                    type.name(),
                    messageNode == null ? null : messageNode.textValue(),
                    onError,
                    mode,
                    type.create(bound));
            checkAllowed(rule);
            return rule;
        } catch (InvalidRuleException e) {
            error(pointer + "/" + e.field().replaceAll("\\[(\\d+)]", "/$1").replace('.', '/'), e.getMessage());
            return null;
        }
    }

    private void checkAllowed(PolicyRule rule) {
        for (OutboundCall call : rule.outboundCalls()) {
            secrets.refusal(call).ifPresent(why -> {
                throw new InvalidRuleException(call.field(), why);
            });
            if (allowedCalls != null && allowedCalls.stream().noneMatch(call::coveredBy)) {
                throw new InvalidRuleException(
                        call.field(),
                        "calls " + call + ", which no " + rule.type()
                                + " rule in force calls (at that path or above)"
                                + (call.secrets().isEmpty() ? "" : " with these variables")
                                + "; a preview runs with"
                                + " policy-gate's credentials, so a candidate may call only what the set in force does."
                                + " Put the rule in force with mode: audit to see its effect");
            }
        }
    }

    /** An optional field of a rule naming one of {@code values}; null, with an error, when it names none. */
    private <E> E option(
            JsonNode rule, String field, String pointer, E[] values, Function<E, String> wireName, E absent) {
        JsonNode value = rule.get(field);
        if (value == null) {
            return absent;
        }
        E chosen = value.isTextual()
                ? Arrays.stream(values)
                        .filter(v -> wireName.apply(v).equals(value.textValue()))
                        .findFirst()
                        .orElse(null)
                : null;
        if (chosen == null) {
            error(
                    pointer + "/" + field,
                    "must be one of " + Arrays.stream(values).map(wireName).toList());
        }
        return chosen;
    }
}
