package io.policygate.policy;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What one rule concluded. An error counts as a failure: policies fail closed. */
public enum Outcome {
    PASSED,
    FAILED,
    ERROR,
    SKIPPED;

    public boolean blocks() {
        return this == FAILED || this == ERROR;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
