package io.policygate.api;

import io.policygate.attestation.SigningKey;
import io.policygate.journal.EvaluationRecords;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The public keys that sign decision records, the current one first, then every earlier one (rotation keeps old
 * records verifiable). Public: a public key proves nothing by itself; an auditor compares its id with the one
 * policy-gate logged at start or the operator published.
 */
@PermitAll
@Path("/api/v1/keys")
@Produces(MediaType.APPLICATION_JSON)
public class KeysResource {

    /** One key as DSSE verifiers name it. */
    public record Key(String keyid, String algorithm, String publicKeyPem) {}

    public record Keys(List<Key> keys) {}

    private final SigningKey current;
    private final EvaluationRecords records;

    @Inject
    public KeysResource(SigningKey current, EvaluationRecords records) {
        this.current = current;
        this.records = records;
    }

    @GET
    public Keys keys() {
        Map<String, Key> keys = new LinkedHashMap<>();
        keys.put(current.keyId(), new Key(current.keyId(), "ed25519", current.publicKeyPem()));
        records.signingKeys()
                .forEach(k -> keys.putIfAbsent(k.keyId(), new Key(k.keyId(), "ed25519", k.publicKeyPem())));
        return new Keys(List.copyOf(keys.values()));
    }
}
