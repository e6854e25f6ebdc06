package io.policygate.config;

/** policy-gate.no-policy-verdict: the verdict when no policy applies to a merge request. */
public enum NoPolicyVerdict {
    PASSED,
    FAILED
}
