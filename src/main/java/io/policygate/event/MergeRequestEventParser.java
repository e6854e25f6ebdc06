package io.policygate.event;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Turns a payload into the {@link MergeRequestEvent} it describes, for dry runs that evaluate a body as it is: the
 * API's {@code POST /api/v1/evaluate} (a caller with a token) and the {@code test} command (files of the policy
 * repository). It reads the fields of a {@link Trigger} and what policies see of a merge request, as the body
 * arrives, and names the field at fault when it cannot.
 */
public final class MergeRequestEventParser {

    /** A trigger's fields and the merge request's: description, draft, labels, author, address. */
    private static final PayloadReader.Fields SHAPE = TriggerParser.SHAPE.plus(new PayloadReader.Fields(Map.of(
            "object_attributes",
            PayloadReader.Fields.of("description", "draft", "work_in_progress", "author_id", "url")
                    .plus(new PayloadReader.Fields(Map.of("labels", PayloadReader.TITLES))),
            "labels",
            PayloadReader.TITLES)));

    /** GitLab limits a description to 1,048,576 characters (MergeRequest's description length validation). */
    private static final PayloadReader READER = new PayloadReader(1_048_576 + TriggerParser.MAX_STRING_LENGTH);

    private MergeRequestEventParser() {}

    /**
     * @param defaultCheckId the check to report on when the payload names none (plain project webhooks)
     * @throws InvalidPayloadException when the body is not JSON or a required field is missing or mistyped
     */
    public static Parsed<MergeRequestEvent> parse(byte[] body, OptionalLong defaultCheckId) {
        PayloadReader.Read read = READER.read(new ByteArrayInputStream(body), SHAPE);
        Parsed<Trigger> trigger = TriggerParser.trigger(read, defaultCheckId);
        if (trigger instanceof Parsed.Ignored<Trigger> ignored) {
            return new Parsed.Ignored<>(ignored.reason());
        }
        return new Parsed.Actionable<>(new MergeRequestEvent(
                ((Parsed.Actionable<Trigger>) trigger).value(),
                read.text("object_attributes.title", false),
                read.text("object_attributes.description", false),
                read.bool("object_attributes.draft") || read.bool("object_attributes.work_in_progress"),
                labels(read),
                read.text("object_attributes.state", false),
                read.longOrZero("object_attributes.author_id"),
                read.text("object_attributes.url", false)));
    }

    /** Labels appear on object_attributes in current GitLab and at the top level in older payloads. */
    private static List<String> labels(PayloadReader.Read read) {
        List<String> labels = read.titles("object_attributes.labels");
        if (!read.has("object_attributes.labels") && !read.isNull("object_attributes.labels")) {
            labels = read.titles("labels");
        }
        return labels == null ? List.of() : labels;
    }
}
