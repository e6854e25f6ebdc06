package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import java.util.Map;
import java.util.Optional;

/**
 * GitLab's compliance centre (GitLab 17.11+): policy-gate as the external control of a compliance requirement. Each
 * control has a secret: GitLab signs its requests with it (X-GitLab-Signature) and policy-gate signs the status it
 * sets with it. Several controls may use different secrets, each named; a control's URL names its secret with
 * {@code ?secret=<name>}.
 */
@ConfigMapping(prefix = "policy-gate.compliance")
public interface ComplianceConfig {

    /** The secret of controls whose URL names none; unset: only named secrets are taken. */
    Optional<String> secret();

    /** Secrets by name ({@code policy-gate.compliance.secrets.<name>}, POLICY_GATE_COMPLIANCE_SECRETS_<NAME>). */
    Map<String, String> secrets();

    /** The secret a request names ({@code name} null: the unnamed one). */
    default Optional<String> secretNamed(String name) {
        return name == null
                ? secret().filter(s -> !s.isEmpty())
                : Optional.ofNullable(secrets().get(name));
    }
}
