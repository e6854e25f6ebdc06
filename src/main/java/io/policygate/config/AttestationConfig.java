package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** The key that signs every verdict's decision record (docs/operations.md, "Signed decision records"). */
@ConfigMapping(prefix = "policy-gate.attestations")
public interface AttestationConfig {

    /**
     * The Ed25519 private key, a PKCS#8 PEM file ("BEGIN PRIVATE KEY", {@code openssl genpkey -algorithm ed25519}),
     * e.g. from a mounted Kubernetes Secret: every replica must sign with the same key, and it must outlive the
     * pods. Its public key is derived from it. Without it policy-gate creates one in {@link #keyDir()} at first start.
     */
    Optional<Path> keyFile();

    /** Where the key policy-gate creates is kept (attestation-key.pem, readable by its user only). */
    @WithDefault("data")
    Path keyDir();
}
