package io.policygate.attestation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Dead Simple Signing Envelope (DSSE, github.com/secure-systems-lab/dsse, protocol.md and envelope.md): the
 * signature covers the pre-authentication encoding of the payload type and the payload, never the JSON around
 * them, so any DSSE verifier checks policy-gate's records.
 */
public final class Dsse {

    /** in-toto's payload type for a Statement. */
    public static final String IN_TOTO = "application/vnd.in-toto+json";

    /** The envelope as DSSE writes it: base64 payload, one signature per key. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Envelope(String payloadType, String payload, List<Signature> signatures) {}

    /** One signature: the key's id and the base64 signature over {@link #pae}. */
    public record Signature(String keyid, String sig) {}

    private Dsse() {}

    /** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII decimal bytes. */
    public static byte[] pae(String payloadType, byte[] payload) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(type.length + payload.length + 32);
        out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(type);
        out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload);
        return out.toByteArray();
    }
}
