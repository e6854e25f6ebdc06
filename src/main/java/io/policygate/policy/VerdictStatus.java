package io.policygate.policy;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The answer for a merge request as a whole: what GitLab is told (through the status mode). */
public enum VerdictStatus {
    PASSED,
    FAILED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
