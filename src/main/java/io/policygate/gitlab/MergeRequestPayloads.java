package io.policygate.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A status-check payload built from GitLab's merge request API answer (GET .../merge_requests), so that a
 * merge request no webhook brought (reconciliation, impact preview) is parsed and evaluated like one.
 */
public final class MergeRequestPayloads {

    private MergeRequestPayloads() {}

    /** @param origin what built it ("reconciliation", "preview"), kept in the payload for the history */
    public static String of(long projectId, JsonNode mr, long checkId, String checkName, String origin) {
        ObjectNode root = JsonNodeFactory.instance
                .objectNode()
                .put("object_kind", "merge_request")
                .put("event_type", "merge_request")
                .put("policy_gate_origin", origin);
        root.putObject("user")
                .put("username", mr.path("author").path("username").asText(""));
        String reference = mr.path("references").path("full").asText("");
        root.putObject("project")
                .put("id", projectId)
                .put(
                        "path_with_namespace",
                        reference.contains("!") ? reference.substring(0, reference.indexOf('!')) : "");
        ObjectNode attributes = root.putObject("object_attributes");
        attributes
                .put("iid", mr.path("iid").asLong())
                .put("title", mr.path("title").asText(""))
                .put("description", mr.path("description").asText(""))
                .put("source_branch", mr.path("source_branch").asText(""))
                .put("target_branch", mr.path("target_branch").asText(""))
                .put(
                        "draft",
                        mr.path("draft").asBoolean(mr.path("work_in_progress").asBoolean(false)))
                .put("state", mr.path("state").asText("opened"))
                .put("url", mr.path("web_url").asText(""))
                .put("author_id", mr.path("author").path("id").asLong());
        attributes.putObject("last_commit").put("id", mr.path("sha").asText(""));
        ArrayNode labels = attributes.putArray("labels");
        mr.path("labels")
                .forEach(label -> labels.addObject()
                        .put(
                                "title",
                                label.isTextual()
                                        ? label.asText()
                                        : label.path("name").asText()));
        root.putObject("external_approval_rule").put("id", checkId).put("name", checkName == null ? "" : checkName);
        return root.toString();
    }
}
