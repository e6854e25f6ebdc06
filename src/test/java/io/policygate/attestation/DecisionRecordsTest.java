package io.policygate.attestation;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.journal.Job;
import io.policygate.journal.JobState;
import io.policygate.testing.CommandLineRun;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every verdict's signed decision record, checked as an auditor would, without policy-gate's code: the key from
 * /api/v1/keys, DSSE's pre-authentication encoding written out here, the JDK's Ed25519 verifier, and the in-toto
 * Statement read as plain JSON.
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class DecisionRecordsTest extends ServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** DSSEv1 SP LEN(type) SP type SP LEN(body) SP body (github.com/secure-systems-lab/dsse, protocol.md). */
    private static byte[] pae(String type, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] typeBytes = type.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(
                ("DSSEv1 " + typeBytes.length + " " + type + " " + body.length + " ").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static boolean verifies(PublicKey key, String payloadType, byte[] payload, String signature)
            throws Exception {
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(key);
        verifier.update(pae(payloadType, payload));
        return verifier.verify(Base64.getDecoder().decode(signature));
    }

    private static PublicKey publishedKey(JsonNode key) throws Exception {
        String base64 = key.path("publicKeyPem")
                .asText()
                .replaceAll("-----[A-Z ]+-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    @Test
    void everyVerdictHasARecordThatVerifiesWithThePublishedKeyAndSaysWhatWasDecided() throws Exception {
        String sha = Payloads.sha(7701);
        String id = Webhooks.accept(Payloads.forMergeRequest(Payloads.SAMPLE, 7701, sha));
        Job job = journal.awaitState(id, JobState.REPORTED);

        JsonNode key = JSON.readTree(given().get("/api/v1/keys")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .path("keys")
                .get(0);
        assertEquals("ed25519", key.path("algorithm").asText());
        JsonNode envelope = JSON.readTree(given().header("Authorization", "Bearer test-dashboard-token")
                .get("/api/v1/evaluations/" + id + "/attestation")
                .then()
                .statusCode(200)
                .contentType("application/json")
                .extract()
                .asString());

        assertEquals(
                "application/vnd.in-toto+json", envelope.path("payloadType").asText());
        JsonNode signature = envelope.path("signatures").get(0);
        assertEquals(key.path("keyid").asText(), signature.path("keyid").asText());
        byte[] payload = Base64.getDecoder().decode(envelope.path("payload").asText());
        assertTrue(verifies(
                publishedKey(key),
                "application/vnd.in-toto+json",
                payload,
                signature.path("sig").asText()));

        JsonNode statement = JSON.readTree(payload);
        assertEquals("https://in-toto.io/Statement/v1", statement.path("_type").asText());
        assertEquals(
                "https://slsa.dev/verification_summary/v1",
                statement.path("predicateType").asText());
        assertEquals(sha, statement.at("/subject/0/digest/gitCommit").asText());
        JsonNode predicate = statement.path("predicate");
        assertTrue(
                predicate
                        .path("resourceUri")
                        .asText()
                        .startsWith(statement.at("/subject/0/name").asText() + "/-/merge_requests/"),
                statement.toString());
        assertEquals(
                job.verdict().toUpperCase(),
                predicate.path("verificationResult").asText());
        assertFalse(predicate.path("timeVerified").asText().isEmpty());
        assertEquals(
                "https://policy-gate.example.com", predicate.at("/verifier/id").asText());
        List<String> files = new ArrayList<>();
        predicate
                .path("inputAttestations")
                .forEach(f -> files.add(
                        f.path("uri").asText() + " " + f.at("/digest/sha256").asText()));
        List<String> decidedBy = new ArrayList<>();
        JsonNode detail = JSON.readTree(given().header("Authorization", "Bearer test-dashboard-token")
                .get("/api/v1/evaluations/" + id)
                .then()
                .statusCode(200)
                .extract()
                .asString());
        detail.path("policyFiles")
                .forEach(f -> decidedBy.add(
                        f.path("path").asText() + " " + f.path("sha256").asText()));
        assertFalse(decidedBy.isEmpty());
        assertEquals(decidedBy, files);
        assertEquals(
                detail.at("/verdict/policies").size(),
                predicate.path("policyResults").size());

        // One byte of the payload changed (the result) and the signature no longer holds.
        byte[] forged = new String(payload, StandardCharsets.UTF_8)
                .replace("\"verificationResult\":\"FAILED\"", "\"verificationResult\":\"PASSED\"")
                .getBytes(StandardCharsets.UTF_8);
        assertFalse(java.util.Arrays.equals(payload, forged), "the sample's verdict is failed");
        assertFalse(verifies(
                publishedKey(key),
                "application/vnd.in-toto+json",
                forged,
                signature.path("sig").asText()));
    }

    @Test
    void theCommandLineVerifiesARecordOfflineAndRefusesAnAlteredOneOrAnotherCommit(@TempDir Path dir) throws Exception {
        String sha = Payloads.sha(7702);
        String id = Webhooks.accept(Payloads.forMergeRequest(Payloads.SAMPLE, 7702, sha));
        journal.awaitState(id, JobState.REPORTED);
        Path record = dir.resolve("record.json");
        Files.writeString(
                record,
                given().header("Authorization", "Bearer test-dashboard-token")
                        .get("/api/v1/evaluations/" + id + "/attestation")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
        Path key = dir.resolve("key.pem");
        Files.writeString(
                key,
                JSON.readTree(given().get("/api/v1/keys").then().extract().asString())
                        .at("/keys/0/publicKeyPem")
                        .asText());

        CommandLineRun verified = CommandLineRun.run(
                "verify-attestation",
                record.toString(),
                "--key",
                key.toString(),
                "--commit",
                sha,
                "--result",
                "failed");
        assertEquals(0, verified.exit(), verified.output());
        assertTrue(
                verified.output().contains("commit " + sha) && verified.output().endsWith("VERIFIED\n"),
                verified.output());

        CommandLineRun otherCommit = CommandLineRun.run(
                "verify-attestation", record.toString(), "--key", key.toString(), "--commit", Payloads.sha(1));
        assertEquals(1, otherCommit.exit(), otherCommit.output());
        assertTrue(otherCommit.output().contains("MISMATCH: the record is about commit " + sha), otherCommit.output());

        // One byte of the signed payload changed.
        JsonNode envelope = JSON.readTree(Files.readString(record));
        byte[] payload = Base64.getDecoder().decode(envelope.path("payload").asText());
        payload[payload.length / 2] ^= 1;
        ((com.fasterxml.jackson.databind.node.ObjectNode) envelope)
                .put("payload", Base64.getEncoder().encodeToString(payload));
        Files.writeString(record, envelope.toString());
        CommandLineRun altered = CommandLineRun.run("verify-attestation", record.toString(), "--key", key.toString());
        assertEquals(1, altered.exit(), altered.output());
        assertTrue(altered.output().startsWith("NOT VERIFIED: no signature of key"), altered.output());
    }

    @Test
    void theKeysPublishedAreNamedByTheirOwnIdsWhateverTheJournalSays() throws Exception {
        String current = JSON.readTree(
                        given().get("/api/v1/keys").then().extract().asString())
                .at("/keys/0/keyid")
                .asText();
        java.security.KeyPair other =
                java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String otherPem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getEncoder().encodeToString(other.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        String otherId = io.policygate.attestation.Signatures.keyId(other.getPublic());
        // Rows someone with write access to the journal planted: another key under an id not its own, and no key.
        journal.tamper(
                "INSERT INTO signing_key (key_id, public_key, first_used) VALUES (?, ?, CURRENT_TIMESTAMP)",
                "0".repeat(64),
                otherPem);
        journal.tamper(
                "INSERT INTO signing_key (key_id, public_key, first_used) VALUES (?, ?, CURRENT_TIMESTAMP)",
                "1".repeat(64),
                "not a key");
        try {
            String keys =
                    given().get("/api/v1/keys").then().statusCode(200).extract().asString();
            assertTrue(keys.contains(current), keys);
            assertFalse(keys.contains("0".repeat(64)) || keys.contains("1".repeat(64)) || keys.contains(otherId), keys);
        } finally {
            journal.tamper("DELETE FROM signing_key WHERE key_id IN (?, ?)", "0".repeat(64), "1".repeat(64));
        }
    }

    @Test
    void anUnknownEvaluationHasNoRecord() {
        given().header("Authorization", "Bearer test-dashboard-token")
                .get("/api/v1/evaluations/01a00000-0000-7000-8000-000000000000/attestation")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }
}
