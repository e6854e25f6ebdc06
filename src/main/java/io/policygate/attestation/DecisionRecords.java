package io.policygate.attestation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.config.ServiceConfig;
import io.policygate.digest.Sha256;
import io.policygate.journal.EvaluationRecords;
import io.policygate.policy.PolicyOrigin;
import io.policygate.policy.PolicyResult;
import io.policygate.policy.PolicySet;
import io.policygate.policy.RuleResult;
import io.policygate.policy.Verdict;
import io.policygate.policy.VerdictStatus;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The signed record of one verdict that an auditor can check without policy-gate or its database: an in-toto
 * Statement (https://in-toto.io/Statement/v1) about the commit, with a SLSA Verification Summary predicate
 * (https://slsa.dev/verification_summary/v1): who verified (policy-gate and its version), when, against which
 * policy files (path and SHA-256 each, and one digest of the whole set), with what result and each policy's and
 * rule's result. Wrapped in a DSSE envelope signed with {@link SigningKey}.
 */
@ApplicationScoped
public class DecisionRecords {

    public static final String STATEMENT = "https://in-toto.io/Statement/v1";
    public static final String VERIFICATION_SUMMARY = "https://slsa.dev/verification_summary/v1";

    private final SigningKey key;
    private final ObjectMapper json;
    private final String version;
    private final String verifier;
    private final EvaluationRecords records;

    @Inject
    public DecisionRecords(
            SigningKey key,
            ObjectMapper json,
            ServiceConfig service,
            EvaluationRecords records,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.key = key;
        this.json = json;
        this.records = records;
        this.version = version;
        this.verifier = service.publicUrl().map(java.net.URI::toString).orElse("urn:policy-gate");
    }

    /** The key that signs from now on joins those /api/v1/keys lists, before the first record it signs. */
    void recordKey(@Observes @Priority(900) StartupEvent start) {
        records.recordSigningKey(key.keyId(), key.publicKeyPem());
    }

    /**
     * @param mergeRequestUrl the merge request's web_url as GitLab gives it; the project's URL is its part
     *     before "/-/merge_requests/"
     * @return the DSSE envelope, as JSON
     */
    public String sign(String mergeRequestUrl, String sha, Verdict verdict, PolicySet set, Instant verified) {
        List<PolicySet.PolicyFile> files = set.files();
        Map<String, Object> predicate = new LinkedHashMap<>();
        predicate.put("verifier", Map.of("id", verifier, "version", Map.of("policy-gate", version)));
        predicate.put("timeVerified", verified.toString());
        predicate.put("resourceUri", mergeRequestUrl);
        predicate.put("policy", policy(set.origin(), files));
        predicate.put(
                "inputAttestations",
                files.stream()
                        .map(f -> Map.of("uri", f.path(), "digest", Map.of("sha256", f.sha256())))
                        .toList());
        predicate.put("verificationResult", verdict.status() == VerdictStatus.PASSED ? "PASSED" : "FAILED");
        predicate.put("verifiedLevels", List.of());
        predicate.put(
                "policyResults",
                verdict.policies().stream().map(DecisionRecords::result).toList());
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("_type", STATEMENT);
        statement.put(
                "subject", List.of(Map.of("name", projectUrl(mergeRequestUrl), "digest", Map.of("gitCommit", sha))));
        statement.put("predicateType", VERIFICATION_SUMMARY);
        statement.put("predicate", predicate);
        try {
            byte[] payload = json.writeValueAsBytes(statement);
            return json.writeValueAsString(key.envelope(Dsse.IN_TOTO, payload));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a statement of maps and lists always serialises", e);
        }
    }

    /**
     * The policy set: its source and one digest of all its files; read from a repository, also the commit (SLSA's
     * ResourceDescriptor takes several digests of one resource, gitCommit among them).
     */
    private static Map<String, Object> policy(PolicyOrigin origin, List<PolicySet.PolicyFile> files) {
        Map<String, Object> digest = new LinkedHashMap<>();
        digest.put("sha256", setDigest(files));
        if (origin.commit() != null) {
            digest.put("gitCommit", origin.commit());
        }
        return Map.of("uri", origin.source() == null ? "policy-gate:policies" : origin.source(), "digest", digest);
    }

    private static Map<String, Object> result(PolicyResult policy) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("policy", policy.policy());
        result.put("file", policy.file());
        result.put("mode", policy.mode().wireName());
        result.put("blocking", policy.blocking());
        result.put("rules", policy.rules().stream().map(DecisionRecords::rule).toList());
        return result;
    }

    /** A rule's result; a waived one names its waiver, who approved it, why, until when, and what it excused. */
    private static Map<String, Object> rule(RuleResult rule) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("type", rule.type());
        result.put("outcome", rule.outcome().wireName());
        result.put("message", rule.message());
        if (rule.waiver() != null) {
            result.put(
                    "waiver",
                    Map.of(
                            "id", rule.waiver().id(),
                            "approvedBy", rule.waiver().approvedBy(),
                            "reason", rule.waiver().reason(),
                            "expires", rule.waiver().expires(),
                            "waivedOutcome", rule.waiver().outcome().wireName()));
        }
        return result;
    }

    /** The project's address: GitLab's merge request URLs are <project>/-/merge_requests/<iid>. */
    static String projectUrl(String mergeRequestUrl) {
        int cut = mergeRequestUrl == null ? -1 : mergeRequestUrl.indexOf("/-/merge_requests/");
        return cut < 0 ? String.valueOf(mergeRequestUrl) : mergeRequestUrl.substring(0, cut);
    }

    /** One digest for the set: SHA-256 over "path sha256\n" of each file, in path order. */
    static String setDigest(List<PolicySet.PolicyFile> files) {
        StringBuilder lines = new StringBuilder();
        files.stream()
                .sorted(java.util.Comparator.comparing(PolicySet.PolicyFile::path))
                .forEach(f ->
                        lines.append(f.path()).append(' ').append(f.sha256()).append('\n'));
        return Sha256.hex(lines.toString().getBytes(StandardCharsets.UTF_8));
    }
}
