package io.policygate.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.access.Roles;
import io.policygate.event.Origin;
import io.policygate.journal.EvaluationRecords;
import io.policygate.problem.ProblemException;
import io.policygate.reconcile.DryRunOrNoGitLab;
import io.policygate.reconcile.ReconciliationSweep;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.logging.Logger;

/**
 * The status checks {@code register} created or updated. GitLab sends a new check's payload only for merge requests
 * that change after it exists, so the open ones would wait for a push: policy-gate records the checks (every
 * reconciliation sweep covers their projects from then on) and sweeps their projects at once, paced like every
 * sweep, queueing an evaluation through the journal for each open merge request the check has no verdict on. The
 * sweep finds them because GitLab lists a project's checks for every merge request whose target branch they apply
 * to, old ones included, pending until answered ({@code applicable_to_branch} in ee/lib/api/status_checks.rb).
 */
@SecurityRequirement(name = ApiDescription.API_TOKEN)
@RolesAllowed(Roles.OPERATOR)
@Path("/api/v1/registered-checks")
@Produces(MediaType.APPLICATION_JSON)
public class RegisteredChecksResource {

    private static final Logger LOG = Logger.getLogger(RegisteredChecksResource.class);

    /** One status check of one project, as GitLab numbers them. */
    public record RegisteredCheck(Long projectId, Long checkId) {}

    /** The body: {@code {"checks": [{"projectId": 6, "checkId": 12}]}}. */
    public record RegisteredChecks(List<RegisteredCheck> checks) {}

    /** The answer: how many projects and checks are being swept. */
    public record Sweeping(String state, int projects, int checks) {}

    private final EvaluationRecords records;
    private final ReconciliationSweep sweep;
    private final DryRunOrNoGitLab noGitLab;
    private final ManagedExecutor executor;
    private final ObjectMapper json;

    @Inject
    public RegisteredChecksResource(
            EvaluationRecords records,
            ReconciliationSweep sweep,
            DryRunOrNoGitLab noGitLab,
            ManagedExecutor executor,
            ObjectMapper json) {
        this.records = records;
        this.sweep = sweep;
        this.noGitLab = noGitLab;
        this.executor = executor;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response record(byte[] body) {
        Map<Long, Set<Long>> checks = read(body);
        if (noGitLab.applies()) {
            throw new ProblemException(
                    409,
                    "no-gitlab",
                    "Conflict",
                    "policy-gate runs as a dry run or without"
                            + " policy-gate.gitlab.url: it has no GitLab to read the open merge requests from",
                    null);
        }
        // Recorded before the answer: should this replica stop before the sweep ends, the next sweep covers them.
        records.recordRegisteredChecks(checks);
        executor.runAsync(() -> {
            try {
                sweep.sweep(checks, Origin.REGISTER);
            } catch (RuntimeException e) {
                LOG.warnf(
                        "The sweep of the registered checks stopped (%s); the next reconciliation covers them",
                        e.getMessage());
            }
        });
        return Response.accepted(new Sweeping(
                        "sweeping",
                        checks.size(),
                        checks.values().stream().mapToInt(Set::size).sum()))
                .build();
    }

    private Map<Long, Set<Long>> read(byte[] body) {
        RegisteredChecks request;
        try {
            request = json.readValue(body, RegisteredChecks.class);
        } catch (JsonProcessingException e) {
            throw invalid(
                    "checks",
                    "the body must be JSON like {\"checks\": [{\"projectId\": 6, \"checkId\": 12}]}: "
                            + e.getOriginalMessage());
        } catch (IOException e) {
            throw invalid(null, "the body cannot be read");
        }
        if (request == null || request.checks() == null || request.checks().isEmpty()) {
            throw invalid("checks", "checks is required: the status checks register created or updated");
        }
        Map<Long, Set<Long>> checks = new TreeMap<>();
        for (int i = 0; i < request.checks().size(); i++) {
            RegisteredCheck check = request.checks().get(i);
            if (check == null || check.projectId() == null || check.projectId() <= 0) {
                throw invalid("checks[" + i + "].projectId", "must be a positive integer: the project's id");
            }
            if (check.checkId() == null || check.checkId() <= 0) {
                throw invalid("checks[" + i + "].checkId", "must be a positive integer: the status check's id");
            }
            checks.computeIfAbsent(check.projectId(), p -> new TreeSet<>()).add(check.checkId());
        }
        return checks;
    }

    private static ProblemException invalid(String field, String detail) {
        return new ProblemException(400, "invalid-registered-checks", "Bad Request", detail, field);
    }
}
