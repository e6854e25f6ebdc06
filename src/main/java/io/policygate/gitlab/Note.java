package io.policygate.gitlab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A merge request note as GitLab's API shows it (GET/POST/PUT …/merge_requests/:iid/notes, API::Entities::Note):
 * policy-gate finds its own by author and hidden marker. {@code author} is the note's author as API::Entities::
 * UserBasic, of which only the id matters here.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record Note(long id, String body, Author author) {

    Note {
        body = body == null ? "" : body;
        author = author == null ? new Author(0, "") : author;
    }

    /** A user as GitLab's API shows it (GET /user, a note's author). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Author(long id, String username) {}

    /** Whether {@code userId} wrote this note and it carries {@code marker}. */
    boolean isOurs(long userId, String marker) {
        return author.id() == userId && body.contains(marker);
    }
}
