package io.policygate.event;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Turns a webhook's body into a {@link Trigger}, naming the field at fault when it cannot. It reads only what a
 * trigger holds, as the body arrives ({@link PayloadReader}): however large the body and whatever it holds, reading
 * it keeps a few kilobytes, so that a body nobody has signed yet costs nothing but the time to receive it. The
 * payload is GitLab's merge request webhook plus {@code external_approval_rule} (GitLab's
 * ee/app/services/external_status_checks/dispatch_service.rb adds it to {@code merge_request.to_hook_data});
 * src/test/resources/payloads/README.md lists the shapes and their sources.
 */
public final class TriggerParser {

    /** The fields a trigger is made of; the rest of a body is skipped unread. */
    static final PayloadReader.Fields SHAPE = new PayloadReader.Fields(Map.of(
            "object_kind", PayloadReader.SCALAR,
            "user", PayloadReader.Fields.of("username"),
            "project", PayloadReader.Fields.of("id", "path_with_namespace"),
            "object_attributes",
                    PayloadReader.Fields.of("iid", "state", "action", "title", "source_branch", "target_branch")
                            .plus(new PayloadReader.Fields(Map.of("last_commit", PayloadReader.Fields.of("id")))),
            "external_approval_rule", PayloadReader.Fields.of("id", "name")));

    /**
     * The longest string read from a webhook: the fields read are names GitLab limits to 255 characters. Longer
     * ones (and a field of any length that is skipped) are never held whole.
     */
    static final int MAX_STRING_LENGTH = 64 * 1024;

    private static final PayloadReader READER = new PayloadReader(MAX_STRING_LENGTH);

    private static final Set<String> FINISHED_STATES = Set.of("closed", "merged", "locked");
    private static final Set<String> FINISHING_ACTIONS = Set.of("close", "merge");

    private TriggerParser() {}

    /**
     * Reads the body as it arrives.
     *
     * @param defaultCheckId the check to report on when the payload names none (plain project webhooks)
     * @throws InvalidPayloadException when the body is not JSON or a required field is missing or mistyped
     * @throws UncheckedIOException when the body cannot be read (the stream failed, or was cut off as too large)
     */
    public static Parsed<Trigger> parse(InputStream body, OptionalLong defaultCheckId) {
        return trigger(READER.read(body, SHAPE), defaultCheckId);
    }

    /** The trigger in fields read with (at least) {@link #SHAPE}. */
    static Parsed<Trigger> trigger(PayloadReader.Read read, OptionalLong defaultCheckId) {
        String kind = read.text("object_kind", true);
        if (!"merge_request".equals(kind)) {
            return new Parsed.Ignored<>("object_kind '" + kind + "' is not a merge request event");
        }
        read.requireObject("object_attributes");
        long projectId = projectId(read);
        long iid = read.positiveLong("object_attributes.iid");
        String state = read.text("object_attributes.state", false);
        String action = read.text("object_attributes.action", false);
        if (FINISHED_STATES.contains(state) || FINISHING_ACTIONS.contains(action)) {
            // Checked first: GitLab sends last_commit null for a closed or merged merge request whose source branch
            // is gone (diff_head_commit&.hook_attrs in lib/gitlab/hook_data/merge_request_builder.rb).
            return new Parsed.Ignored<>("merge request is " + (state.isEmpty() ? action : state));
        }
        if (read.isNull("object_attributes.last_commit")) {
            return new Parsed.Ignored<>("merge request has no commits (object_attributes.last_commit is null)");
        }
        if (read.has("object_attributes.last_commit")) {
            read.requireObject("object_attributes.last_commit");
        }
        String sha = read.text("object_attributes.last_commit.id", true);
        if (!Trigger.isCommit(sha)) {
            throw new InvalidPayloadException(
                    "object_attributes.last_commit.id",
                    "must be a commit SHA: 40 hex characters, or 64 in a SHA-256 repository");
        }
        long checkId = checkId(read, defaultCheckId);
        return new Parsed.Actionable<>(new Trigger(
                new CheckKey(projectId, iid, checkId),
                sha,
                Origin.WEBHOOK,
                action,
                null,
                new Trigger.Names(
                        nested(read, "project", "path_with_namespace"),
                        read.text("object_attributes.title", false),
                        nested(read, "external_approval_rule", "name"),
                        read.text("object_attributes.source_branch", false),
                        read.text("object_attributes.target_branch", false),
                        nested(read, "user", "username")),
                null));
    }

    private static long projectId(PayloadReader.Read read) {
        if (read.has("project")) {
            read.requireObject("project");
        }
        return read.positiveLong("project.id");
    }

    private static long checkId(PayloadReader.Read read, OptionalLong defaultCheckId) {
        if (!read.has("external_approval_rule")) {
            if (defaultCheckId.isPresent()) {
                return defaultCheckId.getAsLong();
            }
            throw new InvalidPayloadException(
                    "external_approval_rule.id",
                    "is required: the status check to report on (or set policy-gate.gitlab.default-check-id)");
        }
        read.requireObject("external_approval_rule");
        return read.positiveLong("external_approval_rule.id");
    }

    /** A name inside an object that may be absent or of another type (a name is shown, never relied on). */
    private static String nested(PayloadReader.Read read, String object, String name) {
        return read.isObject(object) ? read.text(object + "." + name, false) : "";
    }
}
