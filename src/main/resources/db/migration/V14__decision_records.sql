-- Signed decision records: each verdict's DSSE envelope (an in-toto Statement with a SLSA verification summary),
-- written with the verdict, and every public key that ever signed one, so that old records stay verifiable after
-- the key changes.
ALTER TABLE evaluation_job ADD COLUMN attestation TEXT;
CREATE TABLE signing_key (
    key_id     VARCHAR(64)   NOT NULL PRIMARY KEY,
    public_key VARCHAR(2000) NOT NULL,
    first_used TIMESTAMP WITH TIME ZONE NOT NULL
);
