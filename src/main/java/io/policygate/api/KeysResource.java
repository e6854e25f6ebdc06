package io.policygate.api;

import io.policygate.attestation.Signatures;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The public keys that sign decision records, the current one first, then every earlier one (rotation keeps old
 * records verifiable). Public: a public key proves nothing by itself; an auditor compares its id with the one
 * policy-gate logged at start or the operator published.
 */
@PermitAll
@Path("/api/v1/keys")
@Produces(MediaType.APPLICATION_JSON)
public class KeysResource {

    private static final Logger LOG = Logger.getLogger(KeysResource.class);

    /** One key as DSSE verifiers name it. */
    public record Key(String keyid, String algorithm, String publicKeyPem) {}

    public record Keys(List<Key> keys) {}

    /** The rows already warned about: the endpoint is public, and its log must not grow with its callers. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private final SigningKey current;
    private final EvaluationRecords records;

    @Inject
    public KeysResource(SigningKey current, EvaluationRecords records) {
        this.current = current;
        this.records = records;
    }

    /**
     * Each key under the id computed from the key itself, never the id a journal row claims: a row whose id is not
     * its key's, or whose key is not an Ed25519 public key, is left out, so that nobody who can write the journal
     * can publish a key under another key's id.
     */
    @GET
    public Keys keys() {
        Map<String, Key> keys = new LinkedHashMap<>();
        keys.put(current.keyId(), new Key(current.keyId(), "ed25519", current.publicKeyPem()));
        for (EvaluationRecords.SigningKeyRow row : records.signingKeys()) {
            try {
                String computed = Signatures.keyId(Signatures.publicKey(Signatures.der(row.publicKeyPem())));
                if (computed.equals(row.keyId())) {
                    keys.putIfAbsent(computed, new Key(computed, "ed25519", row.publicKeyPem()));
                } else if (warned.add(row.keyId())) {
                    LOG.warnf(
                            "The journal's signing key %s is not the key it holds (%s): not published",
                            row.keyId(), computed);
                }
            } catch (IllegalArgumentException e) {
                if (warned.add(row.keyId())) {
                    LOG.warnf("The journal's signing key %s is not an Ed25519 public key: not published", row.keyId());
                }
            }
        }
        return new Keys(List.copyOf(keys.values()));
    }
}
