package io.policygate.gitlab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One status check of a merge request as GitLab lists it (GET …/merge_requests/:iid/status_checks,
 * ee/lib/api/entities/merge_requests/status_check.rb). {@code status} is the newest response for the merge
 * request's HEAD ({@code passed}, {@code failed}) or {@code pending} when there is none. {@code externalUrl} comes
 * without its query, and empty to a user without the Developer role.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StatusCheck(
        long id, String name, @JsonProperty("external_url") String externalUrl, String status) {

    public StatusCheck {
        name = name == null ? "" : name;
        externalUrl = externalUrl == null ? "" : externalUrl;
        status = status == null ? "" : status;
    }
}
