package io.policygate.api;

import io.policygate.access.Roles;
import io.policygate.policy.ActivePolicies;
import io.policygate.policy.Policy;
import io.policygate.policy.PolicyError;
import io.policygate.policy.PolicyMode;
import io.policygate.policy.PolicyRule;
import io.policygate.policy.PolicySet;
import io.policygate.policy.WaiverStanding;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/** The policies in force, their files and hashes, and the errors of the latest load attempt. */
@SecurityRequirement(name = ApiDescription.API_TOKEN)
@Path("/api/v1/policies")
@Produces(MediaType.APPLICATION_JSON)
public class PoliciesResource {

    public record PolicySummary(
            String name, String file, int line, PolicyMode mode, String description, List<String> rules) {}

    /**
     * {@code lastLoad} may differ from what is in force: a rejected set leaves the last good one in place.
     * {@code waivers}: every waiver in force's set, as it stands today, soonest to expire first. {@code source} and
     * {@code commit}: where the set in force was read (a folder has no commit).
     */
    public record PoliciesView(
            String source,
            String commit,
            List<PolicySummary> policies,
            List<WaiverStanding> waivers,
            List<PolicySet.PolicyFile> files,
            LastLoad lastLoad) {}

    /** The latest attempt: {@code source} and {@code commit} what it read, or tried to. */
    public record LastLoad(
            Instant at,
            boolean ok,
            String source,
            String commit,
            List<PolicySet.PolicyFile> files,
            List<PolicyError> errors) {}

    private final ActivePolicies active;

    @Inject
    public PoliciesResource(ActivePolicies active) {
        this.active = active;
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    public PoliciesView list() {
        PolicySet set = active.current();
        ActivePolicies.LoadStatus status = active.lastLoad();
        return new PoliciesView(
                set.origin().source(),
                set.origin().commit(),
                set.policies().stream().map(PoliciesResource::summary).toList(),
                active.waiverStandings(),
                set.files(),
                new LastLoad(
                        status.at(),
                        status.ok(),
                        status.origin().source(),
                        status.origin().commit(),
                        status.files(),
                        status.errors()));
    }

    /** Reload now: 200 when the files were valid and are in force, 422 with the errors otherwise. */
    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/reload")
    public Response reload() {
        ActivePolicies.LoadStatus status = active.reload();
        return Response.status(status.ok() ? 200 : 422).entity(list()).build();
    }

    private static PolicySummary summary(Policy policy) {
        return new PolicySummary(
                policy.name(),
                policy.source().file(),
                policy.source().line(),
                policy.mode(),
                policy.description(),
                policy.rules().stream().map(PolicyRule::type).toList());
    }
}
