package io.policygate.policy;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Whether a failing policy fails the check (enforce) or is only recorded (audit). */
public enum PolicyMode {
    ENFORCE,
    AUDIT;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
