package io.policygate.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy directory that cannot be used; carries every error found, not only the first. */
public class PolicyLoadException extends RuntimeException {

    private final List<PolicyError> errors;

    public PolicyLoadException(List<PolicyError> errors) {
        super(errors.size() + " error(s) in policy files:\n"
                + errors.stream().map(e -> "  " + e).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<PolicyError> errors() {
        return errors;
    }
}
