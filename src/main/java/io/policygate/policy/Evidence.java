package io.policygate.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a rule looked at and what it wanted: the explanation is built from this data, so the MR note,
 * the API and the CLI all say the same thing.
 */
public record Evidence(Map<String, Object> seen, String expected) {

    public Evidence {
        seen = Collections.unmodifiableMap(new LinkedHashMap<>(seen));
    }
}
