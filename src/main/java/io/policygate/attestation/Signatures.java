package io.policygate.attestation;

import io.policygate.digest.Sha256;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Checking an Ed25519 signature, for the service and for verify-attestation on an auditor's machine. */
public final class Signatures {

    private Signatures() {}

    /** The DER of a PEM text ("-----BEGIN …-----", base64, "-----END …-----"). */
    public static byte[] der(String pem) {
        String base64 = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(base64);
    }

    /** An Ed25519 public key from its SubjectPublicKeyInfo DER. */
    public static PublicKey publicKey(byte[] der) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key", e);
        }
    }

    /** A key's id: the hex SHA-256 of its SubjectPublicKeyInfo, the same wherever the key is. */
    public static String keyId(PublicKey key) {
        return Sha256.hex(key.getEncoded());
    }

    public static boolean verify(PublicKey key, byte[] signature, byte[] data) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
