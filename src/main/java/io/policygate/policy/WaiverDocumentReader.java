package io.policygate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.IntStream;

/** A waiver document, checked against the policy and the rule it waives. */
final class WaiverDocumentReader extends DocumentReader {

    /** The fields of a waiver document; dates stay text so that a bad one gets its own message. */
    record WaiverDocument(
            String id,
            String policy,
            JsonNode rule,
            List<JsonNode> projects,
            Long mergeRequest,
            String sourceBranch,
            String reason,
            String approvedBy,
            String approvedOn,
            String expires) {}

    /** The most days a waiver may run past the day it was approved. */
    private final int waiverMaxDays;

    WaiverDocumentReader(String file, YamlDocument document, List<PolicyError> errors, int waiverMaxDays) {
        super(file, document, errors);
        this.waiverMaxDays = waiverMaxDays;
    }

    Waiver read(Map<String, Policy> policies) {
        if (!document.root().isObject()) {
            error(
                    "",
                    "a waiver document must be a mapping with id, policy, projects, reason, approvedBy,"
                            + " approvedOn and expires");
            return null;
        }
        WaiverDocument doc = bind(document.root(), "", WaiverDocument.class);
        if (doc == null) {
            return null;
        }
        String id = required("/id", doc.id(), "a waiver id unique across all waiver files, e.g. W-2026-014");
        if (id != null && !Waiver.isValidId(id)) {
            // Ids go into metrics' labels, URLs and the journal's comma-separated list of waivers used.
            error("/id", "'" + id + "' must be letters, digits, '.', '_' or '-', at most 64, e.g. W-2026-014");
        }
        String reason = required("/reason", doc.reason(), "why the rule cannot be met, for the reviewer");
        String approvedBy = required("/approvedBy", doc.approvedBy(), "who approved the waiver");
        Policy policy = null;
        if (required("/policy", doc.policy(), "the name of the policy it waives") != null) {
            policy = policies.get(doc.policy());
            if (policy == null) {
                error(
                        "/policy",
                        "no policy is named '" + doc.policy() + "'; policies: " + new TreeSet<>(policies.keySet()));
            }
        }
        Integer rule = policy == null || doc.rule() == null ? null : ruleIndex(policy, doc.rule());
        List<Long> ids = new ArrayList<>();
        List<Glob> paths = new ArrayList<>();
        if (doc.projects() == null || doc.projects().isEmpty()) {
            error("/projects", "is required: the project ids or path globs it applies to (\"**\" for all)");
        } else {
            projects(doc.projects(), "/projects", ids, paths);
        }
        if (doc.mergeRequest() != null && doc.mergeRequest() <= 0) {
            error("/mergeRequest", "must be a merge request iid (a positive number)");
        }
        if (doc.sourceBranch() != null && doc.sourceBranch().isBlank()) {
            error("/sourceBranch", "must be a branch name or glob");
        }
        LocalDate approvedOn = date("/approvedOn", doc.approvedOn());
        LocalDate expires = date("/expires", doc.expires());
        if (approvedOn != null && expires != null) {
            if (expires.isBefore(approvedOn)) {
                error("/expires", "is before approvedOn (" + approvedOn + ")");
            } else if (expires.isAfter(approvedOn.plusDays(waiverMaxDays))) {
                error(
                        "/expires",
                        "is more than " + waiverMaxDays + " days after approvedOn (" + approvedOn
                                + "): the latest allowed is " + approvedOn.plusDays(waiverMaxDays)
                                + " (policy-gate.waivers.max-days); renew it with a new approval instead");
            }
        }
        return new Waiver(
                id,
                doc.policy(),
                rule,
                ids,
                paths,
                doc.mergeRequest(),
                doc.sourceBranch() == null ? null : Glob.of(doc.sourceBranch()),
                reason,
                approvedBy,
                approvedOn,
                expires,
                new PolicySource(file, document.line()),
                null);
    }

    /** The index of the rule {@code selector} names in {@code policy}: its type when it has one of it, or an index. */
    private Integer ruleIndex(Policy policy, JsonNode selector) {
        List<PolicyRule> rules = policy.rules();
        if (selector.isIntegralNumber()) {
            int index = selector.intValue();
            if (index < 0 || index >= rules.size() || !selector.canConvertToInt()) {
                error("/rule", "policy '" + policy.name() + "' has rules 0 to " + (rules.size() - 1) + " (0-based)");
                return null;
            }
            return index;
        }
        if (!selector.isTextual()) {
            error("/rule", "must be a rule type or a rule's index (0-based)");
            return null;
        }
        List<Integer> ofType = IntStream.range(0, rules.size())
                .filter(i -> rules.get(i).type().equals(selector.textValue()))
                .boxed()
                .toList();
        if (ofType.size() == 1) {
            return ofType.get(0);
        }
        error(
                "/rule",
                ofType.isEmpty()
                        ? "policy '" + policy.name() + "' has no rule of type '" + selector.textValue()
                                + "'; its rules: "
                                + rules.stream().map(PolicyRule::type).toList()
                        : "policy '" + policy.name() + "' has " + ofType.size() + " rules of type '"
                                + selector.textValue() + "' (indexes " + ofType
                                + "); name the one you waive by its index");
        return null;
    }
}
