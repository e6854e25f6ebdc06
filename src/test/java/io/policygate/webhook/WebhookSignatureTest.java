package io.policygate.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.testing.Webhooks;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    private static final String BODY = "{\"object_kind\":\"merge_request\"}";
    private static final byte[] BYTES = BODY.getBytes(StandardCharsets.UTF_8);

    @Test
    void hmacIsGitLabsLowercaseHexOfTheRawBody() {
        // Known answer, from Python: hmac.new(b'secret', body, hashlib.sha256).hexdigest()
        assertEquals("277f4d2ebacd2939f446d57998f52a42d8c6cfc35fa68e25dd05e0e3a81de0ec",
                HexFormat.of().formatHex(WebhookSignature.hmac("secret".getBytes(StandardCharsets.UTF_8), BYTES)));
        WebhookSignature check = new WebhookSignature(Optional.of("secret"), false);
        assertTrue(check.accepts(BYTES, Webhooks.sign("secret", BODY), null));
        assertTrue(check.accepts(BYTES, Webhooks.sign("secret", BODY).toUpperCase(), null));
    }

    @Test
    void anythingElseIsRefused() {
        WebhookSignature check = new WebhookSignature(Optional.of("secret"), false);
        assertFalse(check.accepts(BYTES, null, null));
        assertFalse(check.accepts(BYTES, "", ""));
        assertFalse(check.accepts(BYTES, Webhooks.sign("other", BODY), null));
        assertFalse(check.accepts(BYTES, Webhooks.sign("secret", BODY + " "), null));
        assertFalse(check.accepts(BYTES, "sha256=" + Webhooks.sign("secret", BODY), null));
        assertFalse(check.accepts(BYTES, null, "Secret"));
    }

    @Test
    void tokenEqualToTheSecretIsAccepted() {
        WebhookSignature check = new WebhookSignature(Optional.of("secret"), false);
        assertTrue(check.accepts(BYTES, null, "secret"));
    }

    @Test
    void aSecretReadFromAFileMatchesWithoutItsLineBreaks() {
        // A mounted Secret file ends with a line break; GitLab's form field, and so its signature, has none.
        WebhookSignature check = new WebhookSignature(Optional.of("secret\n"), false);
        assertTrue(check.accepts(BYTES, Webhooks.sign("secret", BODY), null));
        assertTrue(check.accepts(BYTES, null, "secret"));
        // GitLab strips every line break from X-Gitlab-Token.
        assertTrue(new WebhookSignature(Optional.of("sec\r\nret\r\n"), false).accepts(BYTES, null, "secret"));
        assertFalse(check.accepts(BYTES, null, "secret\n"));
    }

    @Test
    void allowUnsignedAcceptsOnlyWhatCarriesNoCredential() {
        WebhookSignature check = new WebhookSignature(Optional.of("secret"), true);
        assertTrue(check.accepts(BYTES, null, null));
        assertFalse(check.accepts(BYTES, Webhooks.sign("other", BODY), null));
        assertTrue(new WebhookSignature(Optional.empty(), true).accepts(BYTES, null, null));
    }
}
