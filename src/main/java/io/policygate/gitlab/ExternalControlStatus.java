package io.policygate.gitlab;

import io.policygate.digest.HmacSha256;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;

/**
 * Sets an external control's status in GitLab's compliance centre, signed as API::ComplianceExternalControls checks
 * it: {@code X-Gitlab-Timestamp} (Unix seconds; GitLab refuses one 15 s old or from the future), {@code
 * X-Gitlab-Nonce} (32 characters, refused when seen within the last 16 s) and {@code X-Gitlab-Hmac-Sha256} =
 * hex(HMAC-SHA256(control secret, timestamp + nonce + path + "status=" + status)), where path is
 * {@code /api/v4/projects/:id/compliance_external_controls/:control_id/status} with the project's numeric id. Each
 * attempt is signed afresh: a retry never reuses a timestamp or a nonce.
 */
@ApplicationScoped
public class ExternalControlStatus {

    private static final int NONCE_BYTES = 16;

    private final GitLabApi api;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    @Inject
    public ExternalControlStatus(GitLabApi api, Clock clock) {
        this.api = api;
        this.clock = clock;
    }

    /** Sets the control's status for the project, pass or fail, signed with {@code secret}: GitLab's answer. */
    public GitLabAnswer set(long projectId, long controlId, boolean pass, String secret) {
        String status = pass ? "pass" : "fail";
        String timestamp = String.valueOf(clock.instant().getEpochSecond());
        byte[] nonceBytes = new byte[NONCE_BYTES];
        random.nextBytes(nonceBytes);
        String nonce = HexFormat.of().formatHex(nonceBytes);
        String path = "/api/v4/projects/" + projectId + "/compliance_external_controls/" + controlId + "/status";
        String signature = HmacSha256.hex(secret, timestamp + nonce + path + "status=" + status);
        Response response;
        try {
            response = api.setControlStatus(projectId, controlId, status, timestamp, nonce, signature);
        } catch (RuntimeException e) {
            return GitLabAnswer.unanswered("the external control's status", e);
        }
        try (response) {
            return GitLabAnswer.of(
                    GitLabAnswer.Request.CONTROL_STATUS,
                    "the external control's status",
                    response.getStatus(),
                    response.hasEntity() ? response.readEntity(String.class) : "",
                    null,
                    response.getHeaderString("Retry-After"),
                    clock.instant());
        }
    }
}
