package io.policygate.access;

import io.policygate.config.WebConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * Signs in a caller that presents an API token: {@code Authorization: Bearer <token>} anywhere, and on the pages
 * also as the password of HTTP Basic (any user name), which every browser asks for without a script. A token
 * policy-gate does not know is a 401, never an anonymous request.
 *
 * <p>Without an Authorization header it gives way to single sign-on (quarkus-oidc), which reads its session
 * cookie; with policy-gate.web.open, a browser without either is a viewer of the pages (never of the API).
 * Its priority is above quarkus-oidc's so that it speaks first both when signing in and when refusing: an API
 * caller then always reads a problem+json 401, while a browser is sent to the identity provider.
 */
@ApplicationScoped
public class TokenAuthenticationMechanism implements HttpAuthenticationMechanism {

    /** The principal of a browser reading the pages under policy-gate.web.open. */
    public static final String VISITOR = "visitor (policy-gate.web.open)";

    private final ApiTokens tokens;
    private final WebConfig web;
    private final boolean singleSignOn;

    @Inject
    public TokenAuthenticationMechanism(ApiTokens tokens, WebConfig web) {
        this.tokens = tokens;
        this.web = web;
        this.singleSignOn = web.singleSignOn();
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null) {
            return Uni.createFrom().item(isOpenPage(context) ? identity(VISITOR, Set.of(Roles.VIEWER)) : null);
        }
        boolean page = !Refusal.isForPrograms(context.normalizedPath());
        return credential(authorization, page)
                .flatMap(tokens::holder)
                .map(holder -> Uni.createFrom().item(identity(holder.name(), holder.roles())))
                .orElseGet(() -> Uni.createFrom().failure(new AuthenticationFailedException()));
    }

    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        boolean page = !Refusal.isForPrograms(context.normalizedPath());
        if (page && singleSignOn && context.request().getHeader(HttpHeaders.AUTHORIZATION) == null) {
            return Uni.createFrom().item(false);
        }
        context.response().putHeader("WWW-Authenticate", page ? BASIC : "Bearer");
        Refusal.send(context, 401, whatToSend(context, page));
        return Uni.createFrom().item(true);
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        boolean page = !Refusal.isForPrograms(context.normalizedPath());
        if (page && singleSignOn) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", page ? BASIC : "Bearer"));
    }

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 1000;
    }

    private static final String BASIC = "Basic realm=\"policy-gate\", charset=\"UTF-8\"";

    private String whatToSend(RoutingContext context, boolean page) {
        if (!tokens.any()) {
            return page
                    ? "The pages are closed: configure single sign-on, an API token (policy-gate.api.tokens.<name>),"
                            + " or policy-gate.web.open=true to serve them to anyone who can reach policy-gate."
                    : "the API is closed: configure a token, policy-gate.api.tokens.<name>.sha256 and .roles";
        }
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && credential(authorization, page).isPresent()) {
            return page
                    ? "That token is not one policy-gate accepts (mistyped, or revoked). Sign in with any user name"
                            + " and an API token as the password."
                    : "the token sent is not one policy-gate accepts (mistyped, or revoked)";
        }
        return page
                ? "Sign in with any user name and an API token as the password."
                : "send Authorization: Bearer <token> with a token configured in policy-gate.api.tokens";
    }

    /**
     * A GET or HEAD of a page while policy-gate.web.open: anyone may read. Decided on the path as sent, which
     * CanonicalPaths has made sure the router reads the same way.
     */
    private boolean isOpenPage(RoutingContext context) {
        HttpMethod method = context.request().method();
        return web.open()
                && (method == HttpMethod.GET || method == HttpMethod.HEAD)
                && Refusal.isPage(context.request().path());
    }

    /** The token in {@code Bearer <token>}, or, on a page, the password of {@code Basic}. */
    private static Optional<String> credential(String authorization, boolean page) {
        if (startsWithScheme(authorization, "Bearer ")) {
            return Optional.of(authorization.substring("Bearer ".length()).trim());
        }
        if (!page || !startsWithScheme(authorization, "Basic ")) {
            return Optional.empty();
        }
        try {
            String pair = new String(
                    Base64.getDecoder()
                            .decode(authorization.substring("Basic ".length()).trim()),
                    StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon < 0 ? Optional.empty() : Optional.of(pair.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean startsWithScheme(String header, String scheme) {
        return header.regionMatches(true, 0, scheme, 0, scheme.length());
    }

    private static SecurityIdentity identity(String name, Set<String> roles) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(name))
                .addRoles(roles)
                .build();
    }
}
