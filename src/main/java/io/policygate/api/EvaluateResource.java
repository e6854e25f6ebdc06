package io.policygate.api;

import io.policygate.access.Roles;
import io.policygate.config.GitLabConfig;
import io.policygate.event.MergeRequestEvent;
import io.policygate.event.MergeRequestEventParser;
import io.policygate.event.Parsed;
import io.policygate.gitlab.GitLabPurpose;
import io.policygate.gitlab.MergeRequestReads;
import io.policygate.policy.ActivePolicies;
import io.policygate.policy.Verdict;
import io.policygate.preview.ReadableScope;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * Dry run: the verdict the policies in force give a webhook payload, with every rule's result. It evaluates what
 * it is given (the payload's title, labels, branches), with the changes and commits GitLab has for the payload's
 * SHA, read into a cache that real evaluations never use. Nothing is stored, nothing is posted to GitLab.
 */
@SecurityRequirement(name = ApiDescription.API_TOKEN)
@RolesAllowed(Roles.PREVIEWER)
@Path("/api/v1/evaluate")
public class EvaluateResource {

    /** The answer: which merge request, at which SHA, and the verdict. */
    public record Evaluation(long projectId, long mergeRequestIid, String sha, long statusCheckId, Verdict verdict) {}

    private final ActivePolicies policies;
    private final MergeRequestReads reads;
    private final GitLabConfig gitlab;
    private final ReadableScope readable;

    @Inject
    public EvaluateResource(
            ActivePolicies policies, MergeRequestReads reads, GitLabConfig gitlab, ReadableScope readable) {
        this.policies = policies;
        this.reads = reads;
        this.gitlab = gitlab;
        this.readable = readable;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response evaluate(byte[] body) {
        Parsed<MergeRequestEvent> parsed = MergeRequestEventParser.parse(body, gitlab.defaultCheckId());
        if (parsed instanceof Parsed.Ignored<MergeRequestEvent> ignored) {
            return Response.ok(Map.of("state", "ignored", "reason", ignored.reason()))
                    .build();
        }
        MergeRequestEvent event = ((Parsed.Actionable<MergeRequestEvent>) parsed).value();
        // The body names the project; only its id, checked against what policy-gate has seen, decides the reads.
        readable.checkProject(String.valueOf(event.projectId()), "project.id");
        Verdict verdict = GitLabPurpose.during(
                GitLabPurpose.PREVIEW, () -> policies.evaluate(event, reads.forTrial(event.key(), event.sha())));
        return Response.ok(new Evaluation(event.projectId(), event.iid(), event.sha(), event.statusCheckId(), verdict))
                .build();
    }
}
