package io.policygate.gitlab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An external status check's settings as a project lists them (GET /projects/:id/external_status_checks,
 * ee/lib/api/entities/external_status_check.rb): GitLab never shows its secret, only whether it has one
 * ({@code hmac}); {@code external_url} comes whole, query included.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExternalStatusCheck(
        long id,
        String name,
        @JsonProperty("external_url") String externalUrl,
        boolean hmac,
        @JsonProperty("protected_branches") List<ProtectedBranch> protectedBranches) {

    /** A protected branch (API::Entities::ProtectedBranch); its name may hold {@code *} wildcards. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ProtectedBranch(long id, String name) {}

    public ExternalStatusCheck {
        name = name == null ? "" : name;
        externalUrl = externalUrl == null ? "" : externalUrl;
        protectedBranches = protectedBranches == null ? List.of() : List.copyOf(protectedBranches);
    }

    /**
     * Whether GitLab applies the check to merge requests into {@code branch}, as
     * {@code MergeRequests::ExternalStatusCheck#applies_to_branch?} decides: a check limited to no branch applies
     * to all; otherwise one of its protected branches matches the name, where {@code *} stands for any characters,
     * slashes included (Gitlab::RefMatcher).
     */
    public boolean appliesTo(String branch) {
        return protectedBranches.isEmpty()
                || protectedBranches.stream().anyMatch(p -> p.name() != null && matches(p.name(), branch));
    }

    private static boolean matches(String protectedName, String branch) {
        if (!protectedName.contains("*")) {
            return protectedName.equals(branch);
        }
        StringBuilder regex = new StringBuilder();
        for (String part : protectedName.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*?");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(branch).matches();
    }
}
