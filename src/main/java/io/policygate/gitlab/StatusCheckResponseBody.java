package io.policygate.gitlab;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of POST .../status_check_responses; {@code status} is omitted for legacy-approve. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StatusCheckResponseBody(
        String sha,
        @JsonProperty("external_status_check_id") long externalStatusCheckId,
        String status) {}
