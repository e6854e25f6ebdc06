package io.policygate.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.filter.FilteringParserDelegate;
import com.fasterxml.jackson.core.filter.TokenFilter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a GitLab status-check payload (or a plain merge request webhook) into a {@link MergeRequestEvent},
 * naming the field at fault when it cannot. The payload shape is GitLab's merge request webhook plus
 * {@code external_approval_rule} (GitLab's ee/app/services/external_status_checks/dispatch_service.rb adds it to
 * {@code merge_request.to_hook_data}); src/test/resources/payloads/README.md lists the shapes and their sources.
 */
public final class MergeRequestEventParser {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // The caller owns the stream: intake reads what the parser left, through the signature check.
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .build();
    /** The fields of a merge request webhook that policy-gate reads (and stores); the rest is skipped unread. */
    private static final TokenFilter KEPT = Kept.of(Map.of(
            "object_kind", TokenFilter.INCLUDE_ALL,
            "event_type", TokenFilter.INCLUDE_ALL,
            "policy_gate_origin", TokenFilter.INCLUDE_ALL,
            "user", Kept.all("id", "username", "name"),
            "project", Kept.all("id", "path_with_namespace", "web_url"),
            "object_attributes",
                    Kept.all(
                                    "iid",
                                    "title",
                                    "description",
                                    "state",
                                    "action",
                                    "source_branch",
                                    "target_branch",
                                    "draft",
                                    "work_in_progress",
                                    "labels",
                                    "author_id",
                                    "url")
                            .and("last_commit", Kept.all("id")),
            "labels", TokenFilter.INCLUDE_ALL,
            "external_approval_rule", TokenFilter.INCLUDE_ALL));
    /** A commit id: 40 hex digits, or 64 in a SHA-256 repository (GitLab's object_format sha256). */
    private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");

    private static final Set<String> FINISHED_STATES = Set.of("closed", "merged", "locked");
    private static final Set<String> FINISHING_ACTIONS = Set.of("close", "merge");

    private MergeRequestEventParser() {}

    /**
     * @param defaultCheckId the check to report on when the payload names none (plain project webhooks)
     * @throws InvalidPayloadException when the body is not JSON or a required field is missing or mistyped
     */
    public static ParsedEvent parse(byte[] body, OptionalLong defaultCheckId) {
        return parse(new ByteArrayInputStream(body), defaultCheckId);
    }

    /**
     * Reads the body as it arrives and keeps only the fields policy-gate reads ({@link #KEPT}): a body of many
     * megabytes (GitLab encodes up to 25 MB, most of it the description's change history in {@code changes}) never
     * sits in memory as a tree, and what is stored of it ({@link ParsedEvent.Actionable#payload()}) is small.
     *
     * @throws InvalidPayloadException when the body is not JSON or a required field is missing or mistyped
     * @throws UncheckedIOException when the body cannot be read (the stream failed, or was cut off as too large)
     */
    public static ParsedEvent parse(InputStream body, OptionalLong defaultCheckId) {
        JsonNode root;
        try (JsonParser raw = JSON.createParser(body);
                JsonParser kept =
                        new FilteringParserDelegate(raw, KEPT, TokenFilter.Inclusion.INCLUDE_ALL_AND_PATH, true)) {
            root = JSON.readTree(kept);
            // "{...} trailing" is not one JSON document: refuse rather than read the first value.
            if (root != null && raw.nextToken() != null) {
                throw new InvalidPayloadException("", "body is not valid JSON: more than one value");
            }
        } catch (JsonProcessingException e) {
            throw new InvalidPayloadException("", "body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidPayloadException("", "body must be a JSON object (a GitLab merge request event)");
        }
        return parse(root, defaultCheckId);
    }

    private static ParsedEvent parse(JsonNode root, OptionalLong defaultCheckId) {
        String kind = text(root, "object_kind", true);
        if (!"merge_request".equals(kind)) {
            return new ParsedEvent.Ignored("object_kind '" + kind + "' is not a merge request event");
        }
        JsonNode attributes = object(root, "object_attributes");
        long projectId = positiveLong(root.path("project"), "project", "id");
        long iid = positiveLong(attributes, "object_attributes", "iid");
        String state = text(attributes, "object_attributes.state", "state", false);
        String action = text(attributes, "object_attributes.action", "action", false);
        if (FINISHED_STATES.contains(state) || FINISHING_ACTIONS.contains(action)) {
            // Checked first: GitLab sends last_commit null for a closed or merged merge request whose source branch
            // is gone (diff_head_commit&.hook_attrs in lib/gitlab/hook_data/merge_request_builder.rb).
            return new ParsedEvent.Ignored("merge request is " + (state.isEmpty() ? action : state));
        }
        JsonNode lastCommit = attributes.get("last_commit");
        if (lastCommit != null && lastCommit.isNull()) {
            return new ParsedEvent.Ignored("merge request has no commits (object_attributes.last_commit is null)");
        }
        String sha = text(attributes.path("last_commit"), "object_attributes.last_commit.id", "id", true);
        if (!SHA.matcher(sha).matches()) {
            throw new InvalidPayloadException(
                    "object_attributes.last_commit.id",
                    "must be a commit SHA: 40 hex characters, or 64 in a SHA-256 repository");
        }
        long checkId = checkId(root, defaultCheckId);
        return new ParsedEvent.Actionable(
                root.toString(),
                new MergeRequestEvent(
                        projectId,
                        text(root.path("project"), "project.path_with_namespace", "path_with_namespace", false),
                        iid,
                        text(attributes, "object_attributes.title", "title", false),
                        text(attributes, "object_attributes.description", "description", false),
                        text(attributes, "object_attributes.source_branch", "source_branch", false),
                        text(attributes, "object_attributes.target_branch", "target_branch", false),
                        draft(attributes),
                        labels(root, attributes),
                        state,
                        action,
                        attributes.path("author_id").asLong(0),
                        text(attributes, "object_attributes.url", "url", false),
                        sha,
                        checkId,
                        text(root.path("external_approval_rule"), "external_approval_rule.name", "name", false),
                        text(root.path("user"), "user.username", "username", false)));
    }

    private static long checkId(JsonNode root, OptionalLong defaultCheckId) {
        JsonNode rule = root.get("external_approval_rule");
        if ((rule == null || rule.isNull()) && defaultCheckId.isPresent()) {
            return defaultCheckId.getAsLong();
        }
        if (rule == null || rule.isNull()) {
            throw new InvalidPayloadException(
                    "external_approval_rule.id",
                    "is required: the status check to report on (or set policy-gate.gitlab.default-check-id)");
        }
        if (!rule.isObject()) {
            throw new InvalidPayloadException("external_approval_rule", "must be an object");
        }
        return positiveLong(rule, "external_approval_rule", "id");
    }

    private static boolean draft(JsonNode attributes) {
        for (String name : List.of("draft", "work_in_progress")) {
            JsonNode value = attributes.get(name);
            if (value != null && !value.isNull()) {
                if (!value.isBoolean()) {
                    throw new InvalidPayloadException("object_attributes." + name, "must be true or false");
                }
                if (value.booleanValue()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Labels appear on object_attributes in current GitLab and at the top level in older payloads. */
    private static List<String> labels(JsonNode root, JsonNode attributes) {
        JsonNode labels = attributes.has("labels") ? attributes.get("labels") : root.get("labels");
        String field = attributes.has("labels") ? "object_attributes.labels" : "labels";
        List<String> titles = new ArrayList<>();
        if (labels == null || labels.isNull()) {
            return titles;
        }
        if (!labels.isArray()) {
            throw new InvalidPayloadException(field, "must be a list of labels");
        }
        for (int i = 0; i < labels.size(); i++) {
            JsonNode title = labels.get(i).path("title");
            if (!title.isTextual()) {
                throw new InvalidPayloadException(field + "[" + i + "].title", "must be a string");
            }
            titles.add(title.textValue());
        }
        return titles;
    }

    private static JsonNode object(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidPayloadException(field, "is required");
        }
        if (!node.isObject()) {
            throw new InvalidPayloadException(field, "must be an object");
        }
        return node;
    }

    private static long positiveLong(JsonNode parent, String parentPath, String name) {
        String field = parentPath + "." + name;
        if (!parent.isObject()) {
            throw new InvalidPayloadException(parentPath, parent.isMissingNode() ? "is required" : "must be an object");
        }
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            throw new InvalidPayloadException(field, "is required");
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() <= 0) {
            throw new InvalidPayloadException(field, "must be a positive integer");
        }
        return node.longValue();
    }

    private static String text(JsonNode parent, String name, boolean required) {
        return text(parent, name, name, required);
    }

    /** A string field; absent or null is "" unless required. */
    private static String text(JsonNode parent, String field, String name, boolean required) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            if (required) {
                throw new InvalidPayloadException(field, "is required");
            }
            return "";
        }
        if (!node.isTextual()) {
            throw new InvalidPayloadException(field, "must be a string");
        }
        return node.textValue();
    }

    /**
     * A filter that keeps the named properties of an object, each under a filter of its own; objects and arrays left
     * empty by it stay (so that "project.id is required" still names the field).
     */
    private static final class Kept extends TokenFilter {
        private final Map<String, TokenFilter> properties;

        private Kept(Map<String, TokenFilter> properties) {
            this.properties = Map.copyOf(properties);
        }

        static Kept of(Map<String, TokenFilter> properties) {
            return new Kept(properties);
        }

        /** Keeps these properties whole. */
        static Kept all(String... names) {
            Map<String, TokenFilter> properties = new HashMap<>();
            for (String name : names) {
                properties.put(name, TokenFilter.INCLUDE_ALL);
            }
            return new Kept(properties);
        }

        /** Keeps one more property, under its own filter. */
        Kept and(String name, TokenFilter filter) {
            Map<String, TokenFilter> more = new HashMap<>(properties);
            more.put(name, filter);
            return new Kept(more);
        }

        @Override
        public TokenFilter includeProperty(String name) {
            return properties.get(name);
        }

        @Override
        public boolean includeEmptyObject(boolean contentsFiltered) {
            return true;
        }

        @Override
        public boolean includeEmptyArray(boolean contentsFiltered) {
            return true;
        }
    }
}
