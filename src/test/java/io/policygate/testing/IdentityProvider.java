package io.policygate.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * An OpenID Connect issuer inside the test, shaped like GitLab as an identity provider: discovery, keys,
 * an authorization endpoint that signs the browser in at once and sends it back with a code, and a token
 * endpoint that exchanges the code (with the client's secret) for an ID token carrying {@code groups_direct}.
 * Who signs in next is set by {@link #nextSignIn}. Injected into fields annotated {@link InjectIdentityProvider}.
 */
public class IdentityProvider implements QuarkusTestResourceLifecycleManager {

    public static final String CLIENT_ID = "policy-gate";
    public static final String CLIENT_SECRET = "test-oidc-client-secret";
    private static final String CODE = "test-authorization-code";

    private WireMockServer server;
    private RsaJsonWebKey key;

    @Override
    public Map<String, String> start() {
        try {
            key = RsaJwkGenerator.generateJwk(2048);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
        key.setKeyId("test-key");
        server = new WireMockServer(
                options().dynamicPort().templatingEnabled(true).globalTemplating(false));
        server.start();
        String issuer = server.baseUrl();
        server.stubFor(get("/.well-known/openid-configuration")
                .willReturn(GitLabStubs.json("{\"issuer\":\"" + issuer + "\","
                        + "\"authorization_endpoint\":\"" + issuer + "/oauth/authorize\","
                        + "\"token_endpoint\":\"" + issuer + "/oauth/token\","
                        + "\"jwks_uri\":\"" + issuer + "/oauth/discovery/keys\","
                        + "\"response_types_supported\":[\"code\"],"
                        + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}")));
        server.stubFor(get("/oauth/discovery/keys").willReturn(GitLabStubs.json("{\"keys\":[" + key.toJson() + "]}")));
        // The person signs in at the issuer (not modelled) and is sent back where policy-gate asked, with a code.
        server.stubFor(get(urlPathEqualTo("/oauth/authorize"))
                .withQueryParam("client_id", equalTo(CLIENT_ID))
                .withQueryParam("response_type", equalTo("code"))
                .willReturn(aResponse()
                        .withStatus(302)
                        .withHeader(
                                "Location",
                                "{{{request.query.redirect_uri}}}?code=" + CODE + "&state={{{request.query.state}}}")
                        .withTransformers("response-template")));
        return Map.of(
                "policy-gate.web.single-sign-on",
                "true",
                "quarkus.oidc.auth-server-url",
                issuer,
                "quarkus.oidc.client-id",
                CLIENT_ID,
                "quarkus.oidc.credentials.secret",
                CLIENT_SECRET,
                "policy-gate.web.groups.viewer",
                "bank",
                "policy-gate.web.groups.operator",
                "bank/compliance");
    }

    /** The next code exchanged at the token endpoint signs in {@code username}, a direct member of {@code groups}. */
    public void nextSignIn(String username, List<String> groups) {
        nextSignIn(username, groups, key);
    }

    /**
     * The same, but the ID token is signed by a key the issuer never published (under the published key's id):
     * what a forger without the issuer's private key could send.
     */
    public void nextSignInForged(String username, List<String> groups) {
        try {
            RsaJsonWebKey forger = RsaJwkGenerator.generateJwk(2048);
            forger.setKeyId(key.getKeyId());
            nextSignIn(username, groups, forger);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private void nextSignIn(String username, List<String> groups, RsaJsonWebKey signer) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(server.baseUrl());
        claims.setAudience(CLIENT_ID);
        claims.setSubject(username + "-id");
        claims.setClaim("preferred_username", username);
        claims.setStringListClaim("groups_direct", groups);
        claims.setIssuedAt(org.jose4j.jwt.NumericDate.fromSeconds(Instant.now().getEpochSecond()));
        claims.setExpirationTimeMinutesInTheFuture(10);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(signer.getPrivateKey());
        jws.setKeyIdHeaderValue(signer.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        String idToken;
        try {
            idToken = jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
        String basic = Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes());
        server.stubFor(post("/oauth/token")
                .withHeader("Authorization", equalTo("Basic " + basic))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("code=" + CODE))
                .willReturn(GitLabStubs.json("{\"access_token\":\"opaque-access-token\",\"token_type\":\"Bearer\","
                        + "\"expires_in\":7200,\"id_token\":\"" + idToken + "\"}")));
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(
                this, new TestInjector.AnnotatedAndMatchesType(InjectIdentityProvider.class, IdentityProvider.class));
    }

    /** Fails when policy-gate asked the issuer something no stub expected. */
    public void assertNoUnexpectedRequest() {
        StubbedServers.assertNoUnexpectedRequest(server);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
