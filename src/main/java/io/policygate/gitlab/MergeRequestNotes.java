package io.policygate.gitlab;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.config.ServiceConfig;
import io.policygate.event.CheckKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Keeps one note per status check on a merge request: found by a hidden marker among the notes our own
 * token's user wrote, updated in place (PUT) or created (POST). Honours dry-run; never counts towards the
 * circuit breaker, so a failing note cannot hold back status reports.
 */
@ApplicationScoped
public class MergeRequestNotes {

    private static final Logger LOG = Logger.getLogger(MergeRequestNotes.class);
    private static final int PER_PAGE = 100;
    /** 2,000 notes: a merge request with more is a conversation no one reads to the end anyway. */
    private static final int MAX_PAGES = 20;

    /** What came of one attempt to write a note. */
    public sealed interface Outcome {
        String detail();

        /** The note now says what the body says. */
        record Written(long noteId, String detail) implements Outcome {}

        /** Nothing to do: no note exists and this verdict does not create one, or dry run. */
        record NotWritten(String detail) implements Outcome {}

        /** Worth another try at {@code retryAfter} at the earliest (null: no hint from GitLab). */
        record Transient(String detail, Duration retryAfter) implements Outcome {}

        /** GitLab refuses; retrying will not help until someone fixes what the detail says. */
        record Rejected(String detail) implements Outcome {}
    }

    private final ServiceConfig service;
    private final GitLabApi api;
    private final ObjectMapper json;
    private final Clock clock;
    private volatile Long ownUserId;

    @Inject
    public MergeRequestNotes(ServiceConfig service, GitLabApi api, ObjectMapper json, Clock clock) {
        this.service = service;
        this.api = api;
        this.json = json;
        this.clock = clock;
    }

    /** The hidden line that identifies our note for one status check; GitLab does not render HTML comments. */
    public static String marker(long checkId) {
        return "<!-- policy-gate status-check:" + checkId + " -->";
    }

    /**
     * Makes the merge request's note for {@code key} say {@code body} (which must contain the key's
     * marker). Without {@code create}, only an existing note is updated.
     */
    public Outcome write(CheckKey key, String body, boolean create) {
        return write(key.projectId(), key.mergeRequestIid(), marker(key.checkId()), body, create);
    }

    /**
     * Makes policy-gate's note marked {@code marker} on the merge request say {@code body} (which must contain the
     * marker). Without {@code create}, only an existing note is updated.
     */
    public Outcome write(long projectId, long iid, String marker, String body, boolean create) {
        if (service.dryRun()) {
            LOG.infof("dry-run: would write the note of %d!%d:%n%s", projectId, iid, body);
            return new Outcome.NotWritten("dry-run: nothing written");
        }
        try {
            OptionalLong existing = find(projectId, iid, marker);
            GitLabApi.NoteBody note = new GitLabApi.NoteBody(body);
            if (existing.isPresent()) {
                return update(projectId, iid, existing.getAsLong(), note);
            }
            if (!create) {
                return new Outcome.NotWritten("no note to update, and a passed verdict creates none"
                        + " (policy-gate.report.comment=on-failure)");
            }
            return written(
                    "created",
                    body(call("note_create", () -> api.createNote(projectId, iid, note)), "note", Note.class));
        } catch (Answer e) {
            return e.outcome;
        }
    }

    private Outcome update(long projectId, long iid, long noteId, GitLabApi.NoteBody note) throws Answer {
        try {
            return written(
                    "updated",
                    body(call("note_update", () -> api.updateNote(projectId, iid, noteId, note)), "note", Note.class));
        } catch (Answer e) {
            if (e.status == 404) {
                // Someone deleted the note since we found it: the next attempt finds none and writes a new one.
                return new Outcome.Transient("note " + noteId + " was deleted meanwhile", null);
            }
            throw e;
        }
    }

    private static Outcome written(String how, Note note) {
        return new Outcome.Written(note.id(), how + " note " + note.id());
    }

    private OptionalLong find(long projectId, long iid, String marker) throws Answer {
        long self = ownUserId();
        for (int page = 1; page <= MAX_PAGES; page++) {
            int current = page;
            Response response = call("notes", () -> api.notes(projectId, iid, "asc", "created_at", current, PER_PAGE));
            String next = response.getHeaderString("X-Next-Page");
            for (Note note : body(response, "notes", Note[].class)) {
                if (note.isOurs(self, marker)) {
                    return OptionalLong.of(note.id());
                }
            }
            if (next == null || next.isBlank()) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }

    private long ownUserId() throws Answer {
        Long known = ownUserId;
        if (known == null) {
            known = body(call("user", () -> api.currentUser()), "user", Note.Author.class)
                    .id();
            ownUserId = known;
        }
        return known;
    }

    /** A GitLab answer that ends the attempt (anything but 2xx, or none), carried out of the call chain. */
    private static final class Answer extends Exception {
        private final transient Outcome outcome;
        /** GitLab's HTTP status, 0 when none came. */
        private final int status;

        Answer(int status, Outcome outcome) {
            super(outcome.detail(), null, false, false);
            this.status = status;
            this.outcome = outcome;
        }
    }

    private Response call(String endpoint, Supplier<Response> request) throws Answer {
        Response response;
        try {
            response = request.get();
        } catch (RuntimeException e) {
            throw new Answer(
                    0,
                    new Outcome.Transient(
                            GitLabAnswer.unanswered("request to GitLab", e).detail(), null));
        }
        int status = response.getStatus();
        if (status >= 200 && status < 300) {
            return response;
        }
        GitLabAnswer answer;
        try (response) {
            answer = GitLabAnswer.of(
                    GitLabAnswer.Request.NOTE,
                    "the " + endpoint.replace('_', ' ') + " request",
                    status,
                    response.hasEntity() ? response.readEntity(String.class) : "",
                    null,
                    response.getHeaderString("Retry-After"),
                    clock.instant());
        }
        if (answer instanceof GitLabAnswer.Transient t) {
            throw new Answer(status, new Outcome.Transient(t.detail(), t.retryAfter()));
        }
        throw new Answer(status, new Outcome.Rejected(((GitLabAnswer.Refused) answer).detail()));
    }

    private <T> T body(Response response, String what, Class<T> type) throws Answer {
        try (response) {
            T read = json.readValue(response.hasEntity() ? response.readEntity(String.class) : "null", type);
            if (read == null) {
                throw new IOException("empty");
            }
            return read;
        } catch (IOException e) {
            throw new Answer(
                    0, new Outcome.Transient("GitLab's " + what + " answer cannot be read: " + e.getMessage(), null));
        }
    }
}
