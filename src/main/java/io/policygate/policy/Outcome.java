package io.policygate.policy;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What one rule concluded. An error counts as a failure: policies fail closed. {@code WAIVED}: the rule failed or
 * erred, and a waiver in force excuses it (the result says which, see {@link WaiverUse}).
 */
public enum Outcome {
    PASSED,
    FAILED,
    ERROR,
    SKIPPED,
    WAIVED;

    public boolean blocks() {
        return this == FAILED || this == ERROR;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
