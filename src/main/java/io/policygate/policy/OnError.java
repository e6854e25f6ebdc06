package io.policygate.policy;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a rule's error (Jira down, GitLab unreadable) means: fail the rule (default) or skip it. */
public enum OnError {
    FAIL,
    SKIP;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
