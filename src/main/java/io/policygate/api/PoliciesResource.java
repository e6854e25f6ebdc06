package io.policygate.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.access.Roles;
import io.policygate.journal.PolicyPins;
import io.policygate.policy.ActivePolicies;
import io.policygate.policy.Policy;
import io.policygate.policy.PolicyError;
import io.policygate.policy.PolicyMode;
import io.policygate.policy.PolicyRule;
import io.policygate.policy.PolicySet;
import io.policygate.policy.WaiverStanding;
import io.policygate.policysource.PolicyPinning;
import io.policygate.problem.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
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
     * {@code commit}: where the set in force was read (a folder has no commit); {@code pin}: while an operator holds the
     * repository at a commit, who, since when and why.
     */
    public record PoliciesView(
            String source,
            String commit,
            PolicyPins.Pin pin,
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

    /** An operator's pin: the commit (or a branch or tag naming it) and why, for the audit trail. */
    public record PinRequest(String commit, String reason) {}

    private final ActivePolicies active;
    private final PolicyPinning pinning;
    private final SecurityIdentity caller;
    private final ObjectMapper json;

    @Inject
    public PoliciesResource(ActivePolicies active, PolicyPinning pinning, SecurityIdentity caller, ObjectMapper json) {
        this.active = active;
        this.pinning = pinning;
        this.caller = caller;
        this.json = json;
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    public PoliciesView list() {
        PolicySet set = active.current();
        ActivePolicies.LoadStatus status = active.lastLoad();
        return new PoliciesView(
                set.origin().source(),
                set.origin().commit(),
                pinning.current().orElse(null),
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

    /**
     * Holds the policy repository at one commit, on every replica, until the pin is removed: 200 with the policies
     * now in force; 409 when the policies come from a folder; 422 when GitLab does not know the commit or its set is
     * invalid (nothing changes then); 400 naming the field.
     */
    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/pin")
    @Consumes(MediaType.WILDCARD)
    public Response pin(byte[] body) {
        PinRequest request;
        try {
            request = json.readValue(body, PinRequest.class);
        } catch (IOException e) {
            throw badPin(null, "the body must be JSON: {\"commit\": \"<sha>\", \"reason\": \"…\"}");
        }
        if (request == null
                || request.commit() == null
                || !COMMIT.matcher(request.commit()).matches()) {
            throw badPin("commit", "must be a commit SHA (7 to 64 hex digits), a branch or a tag of the repository");
        }
        if (request.reason() == null
                || request.reason().isBlank()
                || request.reason().length() > 1000) {
            throw badPin("reason", "must say why, in at most 1,000 characters: it is kept with the pin for audit");
        }
        pinning.pin(
                request.commit(),
                caller.getPrincipal().getName(),
                request.reason().strip());
        return Response.ok(list()).build();
    }

    /** Lets the policies follow the ref again: 200 with the policies now in force, 404 when nothing was pinned. */
    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/pin")
    public Response unpin() {
        if (!pinning.unpin(caller.getPrincipal().getName())) {
            throw new ProblemException(404, "not-pinned", "Not Found", "the policies are not pinned", null);
        }
        return Response.ok(list()).build();
    }

    /** A ref as GitLab names one: a SHA, or a branch or tag name (no spaces, no "..", as Git's check-ref-format). */
    private static final Pattern COMMIT = Pattern.compile("(?!.*\\.\\.)[A-Za-z0-9][A-Za-z0-9._/-]{0,199}");

    private static ProblemException badPin(String field, String detail) {
        return new ProblemException(400, "invalid-pin", "Bad Request", detail, field);
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
