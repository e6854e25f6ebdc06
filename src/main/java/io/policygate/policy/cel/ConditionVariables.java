package io.policygate.policy.cel;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import io.policygate.text.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a condition may read, field by field, with each field's type (the maps RuleContext gives CEL at run time):
 * declared as structs, so that CEL's type checker refuses a field that does not exist ({@code mergeRequest.lables})
 * and knows what a field gives ({@code mergeRequest.title} is a string, not a condition) when the policy loads,
 * rather than at a merge request's evaluation. At run time the values are maps; CEL selects their fields by key.
 */
final class ConditionVariables {

    static final StructType AUTHOR = struct("policygate.Author", fields("id", SimpleType.INT));
    static final StructType MERGE_REQUEST = struct(
            "policygate.MergeRequest",
            fields(
                    "iid", SimpleType.INT,
                    "title", SimpleType.STRING,
                    "description", SimpleType.STRING,
                    "sourceBranch", SimpleType.STRING,
                    "targetBranch", SimpleType.STRING,
                    "draft", SimpleType.BOOL,
                    "labels", ListType.create(SimpleType.STRING),
                    "state", SimpleType.STRING,
                    "author", AUTHOR,
                    "url", SimpleType.STRING,
                    "sha", SimpleType.STRING));
    static final StructType PROJECT =
            struct("policygate.Project", fields("id", SimpleType.INT, "path", SimpleType.STRING));
    static final StructType STATUS_CHECK =
            struct("policygate.StatusCheck", fields("id", SimpleType.INT, "name", SimpleType.STRING));
    static final StructType CHANGE = struct(
            "policygate.Change",
            fields(
                    "path", SimpleType.STRING,
                    "oldPath", SimpleType.STRING,
                    "added", SimpleType.BOOL,
                    "deleted", SimpleType.BOOL,
                    "renamed", SimpleType.BOOL,
                    "diff", SimpleType.STRING));
    static final StructType COMMIT = struct(
            "policygate.Commit",
            fields(
                    "sha", SimpleType.STRING,
                    "title", SimpleType.STRING,
                    "message", SimpleType.STRING,
                    "authorName", SimpleType.STRING,
                    "authorEmail", SimpleType.STRING));

    /** {@code at}: when, as an ISO-8601 instant ("" when GitLab does not say); timestamp(a.at) compares it. */
    static final StructType APPROVAL =
            struct("policygate.Approval", fields("username", SimpleType.STRING, "at", SimpleType.STRING));

    /** The variables, by name, as a condition reads them. */
    static final Map<String, CelType> VARIABLES = fields(
            "mergeRequest",
            MERGE_REQUEST,
            "project",
            PROJECT,
            "statusCheck",
            STATUS_CHECK,
            "changes",
            ListType.create(CHANGE),
            "commits",
            ListType.create(COMMIT),
            "approvals",
            ListType.create(APPROVAL),
            "now",
            SimpleType.TIMESTAMP);

    private static final List<StructType> STRUCTS =
            List.of(AUTHOR, MERGE_REQUEST, PROJECT, STATUS_CHECK, CHANGE, COMMIT, APPROVAL);

    /** The struct types, for CEL's type checker. */
    static final CelTypeProvider TYPES = new CelTypeProvider() {
        @Override
        public ImmutableCollection<CelType> types() {
            return ImmutableList.copyOf(STRUCTS);
        }

        @Override
        public Optional<CelType> findType(String typeName) {
            return STRUCTS.stream()
                    .filter(type -> type.name().equals(typeName))
                    .map(CelType.class::cast)
                    .findFirst();
        }
    };

    private ConditionVariables() {}

    /** Every field a condition may read, for an error that names one that does not exist. */
    static String known() {
        return "mergeRequest." + names(MERGE_REQUEST) + " (author." + names(AUTHOR) + "); project." + names(PROJECT)
                + "; statusCheck." + names(STATUS_CHECK) + "; each of changes: " + names(CHANGE)
                + "; each of commits: " + names(COMMIT) + "; each of approvals: " + names(APPROVAL) + "; now";
    }

    /** The field or variable closest to {@code name}, one that does not exist, if one is close. */
    static Optional<String> closest(String name) {
        List<String> names = new ArrayList<>(VARIABLES.keySet());
        STRUCTS.forEach(type -> names.addAll(type.fieldNames()));
        return Suggestions.closest(name, names);
    }

    private static String names(StructType type) {
        List<String> names = List.copyOf(type.fieldNames());
        return names.size() == 1 ? names.get(0) : "{" + String.join(", ", names) + "}";
    }

    private static StructType struct(String name, Map<String, CelType> fields) {
        return StructType.create(
                name, ImmutableSet.copyOf(fields.keySet()), field -> Optional.ofNullable(fields.get(field)));
    }

    /** Name, type, name, type, … in order. */
    private static Map<String, CelType> fields(Object... nameThenType) {
        Map<String, CelType> fields = new LinkedHashMap<>();
        for (int i = 0; i < nameThenType.length; i += 2) {
            fields.put((String) nameThenType[i], (CelType) nameThenType[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(fields);
    }
}
