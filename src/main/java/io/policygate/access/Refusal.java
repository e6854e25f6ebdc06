package io.policygate.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.problem.Problem;
import io.policygate.web.ProblemPage;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * How policy-gate says no, the same for a missing sign-in (401) and a missing role (403) wherever the refusal is
 * decided (HTTP permissions, a resource's roles, the sign-in itself): an API caller reads problem+json, a browser
 * a page that says what to do.
 */
record Refusal(int status, String contentType, String body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** /api/* and /q/* are read by programs; every other path is a page. */
    static boolean isForPrograms(String path) {
        return path.startsWith("/api/") || path.startsWith("/q/");
    }

    static Refusal of(String path, int status, String detail) {
        String title = status == 401 ? "Unauthorized" : "Forbidden";
        if (!isForPrograms(path)) {
            return new Refusal(
                    status,
                    "text/html;charset=UTF-8",
                    ProblemPage.html(status == 401 ? "Sign in" : "Not allowed", detail));
        }
        String type = status == 401 ? "urn:policy-gate:problem:unauthenticated" : "urn:policy-gate:problem:forbidden";
        try {
            return new Refusal(
                    status,
                    Problem.MEDIA_TYPE,
                    JSON.writeValueAsString(new Problem(type, title, status, detail, null)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a Problem always serialises", e);
        }
    }

    static void send(RoutingContext context, int status, String detail) {
        Refusal refusal = of(context.normalizedPath(), status, detail);
        context.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, refusal.contentType())
                .end(refusal.body());
    }
}
