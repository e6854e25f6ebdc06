package io.policygate.access;

import io.policygate.problem.Problem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Refuses a request whose path is spelled so that the access checks and the router could read it differently,
 * before either sees it. The access checks decide on the path as written ({@code /api/...} is the API, a page is
 * anything else); RESTEasy matches after dropping matrix parameters and decoding, so {@code /api;x=1/v1/evaluations}
 * was a page to the first and the API to the second. Refused with 400: matrix parameters ({@code ;}), encoded
 * {@code / \ . ; %}, backslashes, empty segments ({@code //}) and dot segments ({@code /./}, {@code /../}). No link
 * policy-gate writes and no client GitLab or a browser runs spells a path so.
 */
@ApplicationScoped
public class CanonicalPaths {

    /** Percent-encodings of the characters that change how a path splits into segments: / \ . ; % */
    private static final Pattern ENCODED_SEPARATOR = Pattern.compile("%(2f|5c|2e|3b|25)");

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(CanonicalPaths::refuseUnlessCanonical);
    }

    private static void refuseUnlessCanonical(RoutingContext context) {
        Optional<String> why = whyNotCanonical(context.request().path());
        if (why.isEmpty()) {
            context.next();
            return;
        }
        context.response()
                .setStatusCode(400)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(Refusal.problemJson(new Problem(
                        "urn:policy-gate:problem:path-not-canonical",
                        "Bad Request",
                        400,
                        "the path has " + why.get() + ": policy-gate serves paths only as it writes them",
                        null)));
    }

    /** What makes a raw path (as sent, not decoded) ambiguous; empty when it is not. */
    static Optional<String> whyNotCanonical(String path) {
        if (path == null || !path.startsWith("/")) {
            return Optional.of("no leading slash");
        }
        if (path.indexOf(';') >= 0) {
            return Optional.of("a matrix parameter (;)");
        }
        if (path.indexOf('\\') >= 0) {
            return Optional.of("a backslash");
        }
        if (ENCODED_SEPARATOR.matcher(path.toLowerCase(Locale.ROOT)).find()) {
            return Optional.of("an encoded / \\ . ; or %");
        }
        String[] segments = path.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("a dot segment");
            }
            if (segment.isEmpty() && i < segments.length - 1) {
                return Optional.of("an empty segment (//)");
            }
        }
        return Optional.empty();
    }
}
