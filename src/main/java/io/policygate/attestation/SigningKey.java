package io.policygate.attestation;

import io.policygate.config.AttestationConfig;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.jboss.logging.Logger;

/**
 * The Ed25519 key that signs decision records. Bouncy Castle signs (ten times the JDK 17 provider's speed, see
 * docs/performance.md); the JDK's own EdDSA makes and reads the keys and checks, at start, that what is signed
 * verifies. Configured (a private and a
 * public PEM file, e.g. a mounted Secret, the same for every replica), or created at first start in
 * policy-gate.attestations.key-dir and logged with its id, so that records are signed from the first day. Its id
 * is the hex SHA-256 of its public key (SubjectPublicKeyInfo), the same on every machine that has the key.
 */
@Startup
@ApplicationScoped
public class SigningKey {

    private static final Logger LOG = Logger.getLogger(SigningKey.class);
    private static final String ALGORITHM = "Ed25519";
    static final String PRIVATE_FILE = "attestation-key.pem";
    static final String PUBLIC_FILE = "attestation-key.pub.pem";

    private final Ed25519PrivateKeyParameters privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    @Inject
    public SigningKey(AttestationConfig config) {
        KeyPair pair = config.privateKey().isPresent() || config.publicKey().isPresent()
                ? configured(config)
                : kept(config.keyDir());
        this.privateKey = signingKey(pair.getPrivate());
        this.publicKey = pair.getPublic();
        this.keyId = Signatures.keyId(publicKey);
        if (!Signatures.verify(publicKey, sign(new byte[] {1, 2, 3}), new byte[] {1, 2, 3})) {
            throw new ConfigurationException("policy-gate cannot start:\n  policy-gate.attestations.private-key and"
                    + " public-key are not one pair: records signed with the first would not verify with the second");
        }
        LOG.infof("Decision records are signed with Ed25519 key %s", keyId);
    }

    public String keyId() {
        return keyId;
    }

    /** The public key as PEM ("BEGIN PUBLIC KEY"), for /api/v1/keys and for verifiers. */
    public String publicKeyPem() {
        return pem("PUBLIC KEY", publicKey.getEncoded());
    }

    /** A DSSE envelope of {@code payload} with this key's signature. */
    public Dsse.Envelope envelope(String payloadType, byte[] payload) {
        byte[] signature = sign(Dsse.pae(payloadType, payload));
        return new Dsse.Envelope(
                payloadType,
                Base64.getEncoder().encodeToString(payload),
                List.of(new Dsse.Signature(keyId, Base64.getEncoder().encodeToString(signature))));
    }

    private byte[] sign(byte[] data) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(data, 0, data.length);
        return signer.generateSignature();
    }

    /** The JDK's Ed25519 private key as Bouncy Castle's signer takes it, from its PKCS#8 encoding. */
    private static Ed25519PrivateKeyParameters signingKey(PrivateKey key) {
        try {
            return (Ed25519PrivateKeyParameters) PrivateKeyFactory.createKey(key.getEncoded());
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("an Ed25519 PKCS#8 key the JDK reads is one Bouncy Castle reads", e);
        }
    }

    private static KeyPair configured(AttestationConfig config) {
        if (config.privateKey().isEmpty() || config.publicKey().isEmpty()) {
            throw new ConfigurationException("policy-gate cannot start:\n  policy-gate.attestations.private-key and"
                    + " policy-gate.attestations.public-key go together (openssl genpkey -algorithm ed25519 -out"
                    + " key.pem; openssl pkey -in key.pem -pubout -out key.pub.pem)");
        }
        return new KeyPair(
                Signatures.publicKey(read(config.publicKey().get(), "policy-gate.attestations.public-key")),
                privateKey(read(config.privateKey().get(), "policy-gate.attestations.private-key")));
    }

    /** The key kept in {@code dir}, created there (readable by this user only) when there is none. */
    private static KeyPair kept(Path dir) {
        Path privateFile = dir.resolve(PRIVATE_FILE);
        Path publicFile = dir.resolve(PUBLIC_FILE);
        if (Files.exists(privateFile)) {
            return new KeyPair(
                    Signatures.publicKey(read(publicFile, publicFile.toString())),
                    privateKey(read(privateFile, privateFile.toString())));
        }
        try {
            KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
            Files.createDirectories(dir);
            Files.writeString(publicFile, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            Path partial = Files.createTempFile(dir, PRIVATE_FILE, ".tmp");
            try {
                Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the folder's own permissions protect the key.
            }
            Files.writeString(partial, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.move(partial, privateFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            LOG.infof(
                    "Created an Ed25519 key for decision records in %s; keep it (and back it up) for as long as"
                            + " records must verify, or configure policy-gate.attestations.private-key",
                    privateFile);
            return pair;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java 15+ runtime has Ed25519", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the decision records' key in " + dir, e);
        }
    }

    private static PrivateKey privateKey(byte[] der) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException(
                    "policy-gate cannot start:\n  the decision records' private key is not an Ed25519 PKCS#8 key", e);
        }
    }

    /** The DER inside a PEM file. */
    private static byte[] read(Path file, String what) {
        try {
            return Signatures.der(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigurationException("policy-gate cannot start:\n  " + what + " (" + file
                    + ") cannot be read as a PEM file: " + e.getMessage());
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
