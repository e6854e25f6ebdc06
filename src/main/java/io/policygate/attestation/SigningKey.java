package io.policygate.attestation;

import io.policygate.config.AttestationConfig;
import io.policygate.config.ConfigurationKeys;
import io.policygate.config.ConfigurationProblems;
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
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.jboss.logging.Logger;

/**
 * The Ed25519 key that signs decision records. Bouncy Castle signs (ten times the JDK 17 provider's speed, see
 * docs/performance.md) and derives the public key; the JDK's own EdDSA makes and reads the keys and checks, at
 * start, that what is signed verifies. Configured (policy-gate.attestations.key-file, a PEM file such as a mounted
 * Secret, the same for every replica), or created at first start in policy-gate.attestations.key-dir and logged
 * with its id, so that records are signed from the first day. Its id is the hex SHA-256 of its public key
 * (SubjectPublicKeyInfo), the same on every machine that has the key.
 */
@Startup
@ApplicationScoped
public class SigningKey implements ConfigurationProblems {

    private static final Logger LOG = Logger.getLogger(SigningKey.class);
    private static final String ALGORITHM = "Ed25519";
    private static final String KEY_FILE = "policy-gate.attestations.key-file";
    static final String PRIVATE_FILE = "attestation-key.pem";
    static final String PUBLIC_FILE = "attestation-key.pub.pem";

    private final Ed25519PrivateKeyParameters privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    /** What is wrong with the configured key file; checked before the key is read (the constructor would throw). */
    private final List<String> problems;

    @Inject
    public SigningKey(AttestationConfig config) {
        this.problems = config.keyFile().flatMap(file -> whyNotAKey(file, ConfigurationKeys.named(KEY_FILE))).stream()
                .toList();
        if (!problems.isEmpty()) {
            // StartupConfigurationCheck refuses to start with this and every other problem; nothing signs meanwhile.
            this.privateKey = null;
            this.publicKey = null;
            this.keyId = null;
            return;
        }
        this.privateKey = signingKey(config.keyFile()
                .map(file -> privateKey(file, ConfigurationKeys.named(KEY_FILE)))
                .orElseGet(() -> kept(config.keyDir())));
        this.publicKey = Signatures.publicKey(spki(privateKey));
        this.keyId = Signatures.keyId(publicKey);
        if (!Signatures.verify(publicKey, sign(new byte[] {1, 2, 3}), new byte[] {1, 2, 3})) {
            throw new IllegalStateException("an Ed25519 signature verifies with the key derived from its signer");
        }
        LOG.infof("Decision records are signed with Ed25519 key %s", keyId);
    }

    @Override
    public List<String> problems() {
        return problems;
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

    /** The SubjectPublicKeyInfo DER of the public key that goes with {@code key}. */
    private static byte[] spki(Ed25519PrivateKeyParameters key) {
        try {
            return SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key.generatePublicKey())
                    .getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("an Ed25519 public key always encodes", e);
        }
    }

    /**
     * The key kept in {@code dir}, created there (readable by this user only) when there is none; its public key is
     * written beside it for those who verify records.
     */
    private static PrivateKey kept(Path dir) {
        Path privateFile = dir.resolve(PRIVATE_FILE);
        Path publicFile = dir.resolve(PUBLIC_FILE);
        if (Files.exists(privateFile)) {
            return privateKey(privateFile, privateFile.toString());
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
                            + " records must verify, or configure policy-gate.attestations.key-file",
                    privateFile);
            return pair.getPrivate();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java 15+ runtime has Ed25519", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the decision records' key in " + dir, e);
        }
    }

    private static PrivateKey privateKey(Path file, String what) {
        whyNotAKey(file, what).ifPresent(why -> {
            throw new ConfigurationException("policy-gate cannot start:\n  " + why);
        });
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(read(file)));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("a key file checked a moment ago can be read", e);
        }
    }

    /** Why {@code file} (named {@code what} in the message) is no Ed25519 private key in a PEM file, if it is not. */
    private static Optional<String> whyNotAKey(Path file, String what) {
        try {
            KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(read(file)));
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.of(what + " is " + file + ", which cannot be read as a PEM file: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            return Optional.of(what + " is " + file + ", which is not an Ed25519 private key in a PKCS#8 PEM file"
                    + " (\"BEGIN PRIVATE KEY\": openssl genpkey -algorithm ed25519)");
        }
    }

    /** The DER inside a PEM file. */
    private static byte[] read(Path file) throws IOException {
        return Signatures.der(Files.readString(file, StandardCharsets.US_ASCII));
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
