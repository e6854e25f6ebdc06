package io.policygate.preview;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * What to preview: the candidate policy files (name → YAML text, one or more documents each) and the
 * scope, {@code projects} (ids or full paths) and/or a {@code group} (with its subgroups).
 * {@code statusCheck} is the check name policies' {@code appliesTo.statusChecks} see (optional).
 */
public record PreviewRequest(Map<String, String> files, List<JsonNode> projects, String group, String statusCheck) {}
