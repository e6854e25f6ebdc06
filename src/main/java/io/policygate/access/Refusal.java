package io.policygate.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.problem.Problem;
import io.policygate.web.ProblemPage;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How policy-gate says no, the same for a missing sign-in (401) and a missing role (403) wherever the refusal is
 * decided (HTTP permissions, a resource's roles, the sign-in itself): an API caller reads problem+json, a browser
 * a page that says what to do.
 */
record Refusal(int status, String contentType, String body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The pages a visitor may read under policy-gate.web.open: an allow-list, so that nothing else (the API, in any
     * spelling) is ever taken for a page.
     */
    private static final Pattern PAGES =
            Pattern.compile("/|/evaluations/[^/]+|/preview|/preview/[^/]+|/overview|/merges|/projects");

    /** /api and /q paths (in any case) are read by programs; every other path is a page. */
    static boolean isForPrograms(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        return lower.startsWith("/api") || lower.startsWith("/q/");
    }

    /** One of the pages ({@link #PAGES}). */
    static boolean isPage(String path) {
        return PAGES.matcher(path).matches();
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
        return new Refusal(status, Problem.MEDIA_TYPE, problemJson(new Problem(type, title, status, detail, null)));
    }

    static String problemJson(Problem problem) {
        try {
            return JSON.writeValueAsString(problem);
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
