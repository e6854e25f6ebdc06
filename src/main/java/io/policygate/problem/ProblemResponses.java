package io.policygate.problem;

import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import io.policygate.event.InvalidPayloadException;
import io.policygate.journal.JournalUnavailableException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns failures into problem+json answers; nothing internal (stack traces, SQL) reaches the caller. */
public class ProblemResponses {

    private static final Logger LOG = Logger.getLogger(ProblemResponses.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response answer = of(e.problem());
        return e.closing()
                ? Response.fromResponse(answer).header("Connection", "close").build()
                : answer;
    }

    @ServerExceptionMapper
    public Response invalidPayload(InvalidPayloadException e) {
        boolean named = !e.field().isEmpty();
        return of(new Problem(
                "urn:policy-gate:problem:invalid-payload",
                "Bad Request",
                400,
                named ? e.field() + " " + e.getMessage() : e.getMessage(),
                named ? e.field() : null));
    }

    @ServerExceptionMapper
    public Response journalUnavailable(JournalUnavailableException e) {
        LOG.error("The journal cannot store jobs; answering 503", e);
        return of(new Problem(
                "urn:policy-gate:problem:journal-unavailable",
                "Service Unavailable",
                503,
                "the evaluation could not be stored; nothing was accepted, send it again",
                null));
    }

    /**
     * Anything else a resource throws: a 500 in problem+json, with an id to find it in the log, and nothing of the
     * failure itself (it may hold a query, a path, a payload's text). An exception that carries its own HTTP answer
     * (404, 405, …) keeps it.
     */
    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        if (e instanceof WebApplicationException answered) {
            return answered.getResponse();
        }
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected failure %s; answering 500", id);
        return of(new Problem(
                "urn:policy-gate:problem:internal",
                "Internal Server Error",
                500,
                "policy-gate failed unexpectedly (failure " + id + " in its log); nothing was stored or posted",
                null));
    }

    /**
     * An answer that cannot be written as JSON (a plug-in's evidence holding an object Jackson cannot write): the
     * same 500 as any unforeseen failure. Quarkus's own mapper for it answers an empty text/plain 500.
     */
    @ServerExceptionMapper
    public Response unwritable(InvalidDefinitionException e) {
        return unexpected(new IllegalStateException("the answer cannot be written as JSON", e));
    }

    static Response of(Problem problem) {
        return Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .entity(problem)
                .build();
    }
}
