package io.policygate.policy.rules;

import java.util.List;

/**
 * How a Java plug-in adds rule types. Implement it, list the implementation's class name in
 * {@code META-INF/services/io.policygate.policy.rules.RuleTypeProvider}, and put the jar on the class
 * path: its types are then usable in policy files, the CLI and the server alike. A plug-in cannot
 * replace a built-in type.
 */
public interface RuleTypeProvider {

    List<RuleType<?>> ruleTypes();
}
