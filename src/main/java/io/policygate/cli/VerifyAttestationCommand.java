package io.policygate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.attestation.DecisionRecords;
import io.policygate.attestation.Dsse;
import io.policygate.attestation.Signatures;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code verify-attestation FILE --key PUBKEY}: checks a decision record offline, without policy-gate or its
 * database: the DSSE signature with the given public key, that the payload is an in-toto Statement with a SLSA
 * verification summary, and, when asked, its commit and result.
 */
@Command(
        name = "verify-attestation",
        mixinStandardHelpOptions = true,
        description = "Checks a signed decision record (GET /api/v1/evaluations/{id}/attestation) with a public key"
                + " (GET /api/v1/keys, or the one your operator published). Exit 0 when the signature holds and"
                + " every check given matches, 1 otherwise.")
final class VerifyAttestationCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;

    @Parameters(index = "0", paramLabel = "FILE", description = "the record: a DSSE envelope, JSON")
    Path file;

    @Option(names = "--key", required = true, paramLabel = "PUBKEY", description = "the Ed25519 public key, PEM")
    Path key;

    @Option(names = "--commit", paramLabel = "SHA", description = "the commit the record must be about")
    String commit;

    @Option(
            names = "--result",
            paramLabel = "PASSED|FAILED",
            description = "the verification result the record must carry")
    String result;

    VerifyAttestationCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        List<String> failures = new ArrayList<>();
        JsonNode statement;
        String keyId;
        try {
            PublicKey publicKey =
                    Signatures.publicKey(Signatures.der(Files.readString(key, StandardCharsets.US_ASCII)));
            keyId = Signatures.keyId(publicKey);
            JsonNode envelope = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            String payloadType = envelope.path("payloadType").asText();
            byte[] payload = Base64.getDecoder().decode(envelope.path("payload").asText());
            boolean signed = false;
            for (JsonNode signature : envelope.path("signatures")) {
                signed |= keyId.equals(signature.path("keyid").asText())
                        && Signatures.verify(
                                publicKey,
                                Base64.getDecoder().decode(signature.path("sig").asText()),
                                Dsse.pae(payloadType, payload));
            }
            if (!signed) {
                out.println("NOT VERIFIED: no signature of key " + keyId + " holds over this record (altered, or"
                        + " signed with another key)");
                return 1;
            }
            if (!Dsse.IN_TOTO.equals(payloadType)) {
                failures.add("payloadType is " + payloadType + ", not " + Dsse.IN_TOTO);
            }
            statement = JSON.readTree(payload);
        } catch (IOException | IllegalArgumentException e) {
            out.println("NOT VERIFIED: " + e.getMessage());
            return 1;
        }
        if (!DecisionRecords.STATEMENT.equals(statement.path("_type").asText())
                || !DecisionRecords.VERIFICATION_SUMMARY.equals(
                        statement.path("predicateType").asText())) {
            failures.add("the payload is not an in-toto Statement with a SLSA verification summary");
        }
        String recordedCommit = statement.at("/subject/0/digest/gitCommit").asText();
        String recordedResult = statement.at("/predicate/verificationResult").asText();
        if (commit != null && !commit.equalsIgnoreCase(recordedCommit)) {
            failures.add("the record is about commit " + recordedCommit + ", not " + commit);
        }
        if (result != null && !result.equalsIgnoreCase(recordedResult)) {
            failures.add("the record's result is " + recordedResult + ", not " + result.toUpperCase());
        }
        out.printf(
                "signed by key %s%ncommit %s of %s%nresult %s at %s by %s%n",
                keyId,
                recordedCommit,
                statement.at("/subject/0/name").asText(),
                recordedResult,
                statement.at("/predicate/timeVerified").asText(),
                statement.at("/predicate/verifier/id").asText());
        JsonNode policy = statement.at("/predicate/policy");
        out.printf(
                "policies from %s%s%n",
                policy.path("uri").asText(),
                policy.at("/digest/gitCommit").isTextual()
                        ? " at commit " + policy.at("/digest/gitCommit").asText()
                        : "");
        statement
                .at("/predicate/inputAttestations")
                .forEach(f -> out.printf(
                        "policy file %s sha256 %s%n",
                        f.path("uri").asText(), f.at("/digest/sha256").asText()));
        for (JsonNode result : statement.at("/predicate/policyResults")) {
            for (JsonNode rule : result.path("rules")) {
                JsonNode waiver = rule.path("waiver");
                if (waiver.isObject()) {
                    out.printf(
                            "waived %s/%s by %s (approved by %s, until %s): %s%n",
                            result.path("policy").asText(),
                            rule.path("type").asText(),
                            waiver.path("id").asText(),
                            waiver.path("approvedBy").asText(),
                            waiver.path("expires").asText(),
                            waiver.path("reason").asText());
                }
            }
        }
        failures.forEach(f -> out.println("MISMATCH: " + f));
        out.println(failures.isEmpty() ? "VERIFIED" : "NOT VERIFIED");
        return failures.isEmpty() ? 0 : 1;
    }
}
