package io.policygate.policy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.policygate.digest.Sha256;
import io.policygate.policy.cel.CompiledCondition;
import io.policygate.policy.cel.ConditionCompiler;
import io.policygate.policy.cel.InvalidConditionException;
import io.policygate.policy.rules.InvalidRuleException;
import io.policygate.policy.rules.OutboundCall;
import io.policygate.policy.rules.RuleType;
import io.policygate.policy.rules.RuleTypes;
import io.policygate.policy.rules.SecretGrants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Reads a directory of policy files into a {@link PolicySet}, or reports every problem with file,
 * line and field. Nothing half-valid is returned: one bad document rejects the whole set.
 */
public final class PolicyLoader {

    private static final ObjectMapper BINDER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    static {
        // `name: 42` or `pattern: true` is an author's mistake, not a string.
        for (CoercionInputShape shape :
                List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
            BINDER.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
    }

    private static final List<String> RULE_COMMON_FIELDS = List.of("type", "message", "onError", "mode");

    /** The folder, inside the policy folder, that holds waiver files. */
    public static final String WAIVERS_FOLDER = "waivers";

    /** How long a waiver may last by default, in days after its approval (policy-gate.waivers.max-days). */
    public static final int DEFAULT_WAIVER_MAX_DAYS = 90;

    private final RuleTypes ruleTypes;
    /** The calls to other services a rule may make; null when any is allowed. */
    private final List<OutboundCall> allowedCalls;
    /** The environment variables a rule may send, and where. */
    private final SecretGrants secrets;
    /** The most days a waiver may run past the day it was approved. */
    private final int waiverMaxDays;

    /** A loader for the command line: any call, any variable (the service's environment is not there). */
    public PolicyLoader(RuleTypes ruleTypes) {
        this(ruleTypes, null, SecretGrants.ANY, DEFAULT_WAIVER_MAX_DAYS);
    }

    /** A loader for the service: a rule may send only the variables {@code secrets} grants, where it grants them. */
    public PolicyLoader(RuleTypes ruleTypes, SecretGrants secrets) {
        this(ruleTypes, null, secrets, DEFAULT_WAIVER_MAX_DAYS);
    }

    private PolicyLoader(
            RuleTypes ruleTypes, List<OutboundCall> allowedCalls, SecretGrants secrets, int waiverMaxDays) {
        this.ruleTypes = ruleTypes;
        this.allowedCalls = allowedCalls;
        this.secrets = secrets;
        this.waiverMaxDays = waiverMaxDays;
    }

    /** This loader, refusing waivers that expire more than {@code days} after the day they were approved. */
    public PolicyLoader withWaiverMaxDays(int days) {
        return new PolicyLoader(ruleTypes, allowedCalls, secrets, days);
    }

    /**
     * A loader that refuses, as an error at the rule, any call to another service that none of {@code calls} covers
     * (same rule type, same origin, the same path or one below it, same secrets): for candidate sets, which run with
     * policy-gate's environment but were not reviewed like the set in force.
     */
    public PolicyLoader restrictedTo(List<OutboundCall> calls) {
        return new PolicyLoader(ruleTypes, List.copyOf(calls), secrets, waiverMaxDays);
    }

    /** The fields of a policy document; rules stay trees until their type is known. */
    record PolicyDocument(
            String name, PolicyMode mode, String description, AppliesToDocument appliesTo, List<JsonNode> rules) {}

    record AppliesToDocument(
            List<JsonNode> projects, List<String> targetBranches, List<String> statusChecks, String when) {}

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

    /**
     * @throws PolicyLoadException listing every error in every file
     */
    public PolicySet load(Path dir) {
        List<PolicyError> errors = new ArrayList<>();
        return load(read(dir, errors), errors);
    }

    /**
     * A set from files given by name and content (a candidate set sent for an impact preview), with the
     * same errors {@link #load(Path)} gives for the same files.
     *
     * @throws PolicyLoadException listing every error in every file
     */
    public PolicySet load(Map<String, byte[]> files) {
        return load(files, new ArrayList<>());
    }

    /**
     * The policy files of a folder and the waiver files of its {@code waivers/} folder, by the name errors give
     * them (the path), in name order.
     *
     * @throws PolicyLoadException when the folder does not exist
     */
    public static Map<String, byte[]> read(Path dir, List<PolicyError> errors) {
        if (!Files.isDirectory(dir)) {
            throw new PolicyLoadException(List.of(new PolicyError(
                    dir.toString(), 0, null, "policy directory does not exist (set policy-gate.policies.dir)")));
        }
        Map<String, byte[]> files = new TreeMap<>();
        for (Path file : setFiles(dir, errors)) {
            try {
                files.put(file.toString(), Files.readAllBytes(file));
            } catch (IOException e) {
                errors.add(new PolicyError(file.toString(), 0, null, "cannot read: " + e.getMessage()));
            }
        }
        return files;
    }

    private PolicySet load(Map<String, byte[]> files, List<PolicyError> errors) {
        List<Policy> policies = new ArrayList<>();
        List<PolicySet.PolicyFile> hashes = new ArrayList<>();
        Map<String, String> waiverFiles = new TreeMap<>();
        for (Map.Entry<String, byte[]> file : new TreeMap<>(files).entrySet()) {
            hashes.add(new PolicySet.PolicyFile(file.getKey(), Sha256.hex(file.getValue())));
            String text = new String(file.getValue(), StandardCharsets.UTF_8);
            if (isWaiverFile(file.getKey())) {
                waiverFiles.put(file.getKey(), text);
            } else {
                policies.addAll(parse(file.getKey(), text, errors));
            }
        }
        checkUniqueNames(policies, errors);
        // Waivers after every policy: a waiver is checked against the policy and rule it names.
        Map<String, Policy> byName = new HashMap<>();
        policies.forEach(p -> byName.putIfAbsent(p.name(), p));
        List<Waiver> waivers = new ArrayList<>();
        waiverFiles.forEach((file, text) -> waivers.addAll(parseWaivers(file, text, byName, errors)));
        checkUniqueIds(waivers, errors);
        if (!errors.isEmpty()) {
            throw new PolicyLoadException(errors);
        }
        return new PolicySet(policies, waivers, hashes);
    }

    /**
     * A file given as {@code waivers/NAME.yaml} (a candidate) or found in a policy folder's waivers/ folder. Read from
     * the name as text: a candidate's name comes from a request, and is no path this service opens.
     */
    private static boolean isWaiverFile(String name) {
        String parent = name.substring(0, Math.max(0, name.lastIndexOf('/')));
        return parent.equals(WAIVERS_FOLDER) || parent.endsWith("/" + WAIVERS_FOLDER);
    }

    /**
     * What the policy files are now: their names and content hashes. Content, not modification times,
     * so that a Kubernetes ConfigMap update (an atomic swap of the ..data symlink) is seen as it is.
     */
    public static List<PolicySet.PolicyFile> fingerprint(Path dir) {
        List<PolicySet.PolicyFile> files = new ArrayList<>();
        for (Path file : setFiles(dir, new ArrayList<>())) {
            try {
                files.add(new PolicySet.PolicyFile(file.toString(), Sha256.hex(Files.readAllBytes(file))));
            } catch (IOException e) {
                files.add(new PolicySet.PolicyFile(file.toString(), "unreadable: " + e.getMessage()));
            }
        }
        return files;
    }

    /** The policy files of {@code dir}, then the waiver files of its waivers/ folder when it has one. */
    private static List<Path> setFiles(Path dir, List<PolicyError> errors) {
        List<Path> files = new ArrayList<>(yamlFiles(dir, errors));
        Path waivers = dir.resolve(WAIVERS_FOLDER);
        if (Files.isDirectory(waivers)) {
            files.addAll(yamlFiles(waivers, errors));
        }
        return files;
    }

    /** YAML files directly in {@code dir}; hidden entries (ConfigMap's ..data) and *.test.yaml are not policies. */
    private static List<Path> yamlFiles(Path dir, List<PolicyError> errors) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> {
                        String name = p.getFileName().toString();
                        return !name.startsWith(".")
                                && (name.endsWith(".yaml") || name.endsWith(".yml"))
                                && !name.endsWith(".test.yaml")
                                && !name.endsWith(".test.yml");
                    })
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            errors.add(new PolicyError(dir.toString(), 0, null, "cannot list: " + e.getMessage()));
            return List.of();
        }
    }

    /** Parses one file's text; errors are added to {@code errors}, valid policies returned. */
    public List<Policy> parse(String file, String text, List<PolicyError> errors) {
        return readDocuments(file, text, errors, DocumentReader::read);
    }

    /** Parses one waiver file's text against the policies by name; errors are added to {@code errors}. */
    private List<Waiver> parseWaivers(
            String file, String text, Map<String, Policy> policies, List<PolicyError> errors) {
        return readDocuments(file, text, errors, reader -> reader.readWaiver(policies));
    }

    /** Each document of a file as {@code read} makes it, leaving out those it added an error for. */
    private <T> List<T> readDocuments(
            String file, String text, List<PolicyError> errors, Function<DocumentReader, T> read) {
        List<YamlDocument> documents;
        try {
            documents = YamlDocument.readAll(text);
        } catch (YamlDocument.SyntaxException e) {
            errors.add(new PolicyError(file, e.line, null, e.getMessage()));
            return List.of();
        }
        List<T> items = new ArrayList<>();
        for (YamlDocument document : documents) {
            int before = errors.size();
            T item = read.apply(new DocumentReader(file, document, errors));
            if (errors.size() == before) {
                items.add(item);
            }
        }
        return items;
    }

    private static void checkUniqueIds(List<Waiver> waivers, List<PolicyError> errors) {
        checkUnique(waivers, Waiver::id, Waiver::source, "id", "waiver id", errors);
    }

    private static void checkUniqueNames(List<Policy> policies, List<PolicyError> errors) {
        checkUnique(policies, Policy::name, Policy::source, "name", "policy name", errors);
    }

    /** An error at every item whose {@code key} an earlier one has, naming where the first is. */
    private static <T> void checkUnique(
            List<T> items,
            Function<T, String> key,
            Function<T, PolicySource> source,
            String field,
            String what,
            List<PolicyError> errors) {
        Map<String, T> seen = new HashMap<>();
        for (T item : items) {
            T first = seen.putIfAbsent(key.apply(item), item);
            if (first != null) {
                errors.add(new PolicyError(
                        source.apply(item).file(),
                        source.apply(item).line(),
                        field,
                        "duplicate " + what + " '" + key.apply(item) + "', first defined at " + source.apply(first)));
            }
        }
    }

    /** Binds one document, adding an error per problem found. */
    private final class DocumentReader {
        private final String file;
        private final YamlDocument document;
        private final List<PolicyError> errors;

        DocumentReader(String file, YamlDocument document, List<PolicyError> errors) {
            this.file = file;
            this.document = document;
            this.errors = errors;
        }

        Policy read() {
            if (!document.root().isObject()) {
                error("", "a policy document must be a mapping with name and rules");
                return null;
            }
            PolicyDocument doc = bind(document.root(), "", PolicyDocument.class);
            if (doc == null) {
                return null;
            }
            if (doc.name() == null || doc.name().isBlank()) {
                error("/name", "is required: a name unique across all policy files");
            }
            if (doc.rules() == null || doc.rules().isEmpty()) {
                error("/rules", "is required: a list of at least one rule");
            }
            AppliesTo appliesTo = doc.appliesTo() == null ? AppliesTo.ANY : appliesTo(doc.appliesTo());
            List<PolicyRule> rules = new ArrayList<>();
            List<JsonNode> ruleNodes = doc.rules() == null ? List.of() : doc.rules();
            for (int i = 0; i < ruleNodes.size(); i++) {
                PolicyRule rule = rule(ruleNodes.get(i), "/rules/" + i);
                if (rule != null) {
                    rules.add(rule);
                }
            }
            PolicyMode mode = doc.mode() == null ? PolicyMode.ENFORCE : doc.mode();
            String description = doc.description() == null ? "" : doc.description();
            return new Policy(doc.name(), mode, description, appliesTo, rules, new PolicySource(file, document.line()));
        }

        Waiver readWaiver(Map<String, Policy> policies) {
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
                    new PolicySource(file, document.line()));
        }

        /** The index of the rule {@code selector} names in {@code policy}: its type when it has one of it, or an index. */
        private Integer ruleIndex(Policy policy, JsonNode selector) {
            List<PolicyRule> rules = policy.rules();
            if (selector.isIntegralNumber()) {
                int index = selector.intValue();
                if (index < 0 || index >= rules.size() || !selector.canConvertToInt()) {
                    error(
                            "/rule",
                            "policy '" + policy.name() + "' has rules 0 to " + (rules.size() - 1) + " (0-based)");
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

        private String required(String pointer, String value, String what) {
            if (value == null || value.isBlank()) {
                error(pointer, "is required: " + what);
                return null;
            }
            return value;
        }

        private LocalDate date(String pointer, String text) {
            if (required(pointer, text, "a date, YYYY-MM-DD") == null) {
                return null;
            }
            try {
                return LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                error(pointer, "'" + text + "' is not a date as YYYY-MM-DD");
                return null;
            }
        }

        /** Reads project ids and path globs into {@code ids} and {@code paths}, with an error for anything else. */
        private void projects(List<JsonNode> projects, String pointer, List<Long> ids, List<Glob> paths) {
            for (int i = 0; i < projects.size(); i++) {
                JsonNode project = projects.get(i);
                if (project.isIntegralNumber() && project.canConvertToLong() && project.longValue() > 0) {
                    ids.add(project.longValue());
                } else if (project.isTextual() && !project.textValue().isBlank()) {
                    paths.add(Glob.of(project.textValue()));
                } else {
                    error(pointer + "/" + i, "must be a project id (a positive number) or a path glob");
                }
            }
        }

        private AppliesTo appliesTo(AppliesToDocument doc) {
            List<Long> ids = new ArrayList<>();
            List<Glob> paths = new ArrayList<>();
            projects(doc.projects() == null ? List.of() : doc.projects(), "/appliesTo/projects", ids, paths);
            CompiledCondition when = null;
            if (doc.when() != null) {
                try {
                    when = ConditionCompiler.compileSelector(doc.when());
                } catch (InvalidConditionException e) {
                    error("/appliesTo/when", e.getMessage());
                }
            }
            return new AppliesTo(ids, paths, globs(doc.targetBranches()), globs(doc.statusChecks()), when);
        }

        private PolicyRule rule(JsonNode node, String pointer) {
            if (!node.isObject()) {
                error(pointer, "a rule must be a mapping with a type");
                return null;
            }
            JsonNode typeNode = node.get("type");
            if (typeNode == null || !typeNode.isTextual()) {
                error(pointer + "/type", "is required; one of " + ruleTypes.names());
                return null;
            }
            RuleType<?> type = ruleTypes.find(typeNode.textValue()).orElse(null);
            if (type == null) {
                error(
                        pointer + "/type",
                        "unknown rule type '" + typeNode.textValue() + "'; one of " + ruleTypes.names());
                return null;
            }
            JsonNode messageNode = node.get("message");
            if (messageNode != null && !messageNode.isTextual()) {
                error(pointer + "/message", "must be a string");
                return null;
            }
            OnError onError = option(node, "onError", pointer, OnError.values(), OnError::wireName, OnError.FAIL);
            PolicyMode mode =
                    option(node, "mode", pointer, PolicyMode.values(), PolicyMode::wireName, PolicyMode.ENFORCE);
            if (onError == null || mode == null) {
                return null;
            }
            ObjectNode config = ((ObjectNode) node).deepCopy();
            config.remove(RULE_COMMON_FIELDS);
            Object bound = bind(config, pointer, type.configType());
            if (bound == null) {
                return null;
            }
            try {
                PolicyRule rule = new PolicyRule(
                        type.name(),
                        messageNode == null ? null : messageNode.textValue(),
                        onError,
                        mode,
                        type.create(bound));
                checkAllowed(rule);
                return rule;
            } catch (InvalidRuleException e) {
                error(pointer + "/" + e.field().replaceAll("\\[(\\d+)]", "/$1").replace('.', '/'), e.getMessage());
                return null;
            }
        }

        private void checkAllowed(PolicyRule rule) {
            for (OutboundCall call : rule.outboundCalls()) {
                secrets.refusal(call).ifPresent(why -> {
                    throw new InvalidRuleException(call.field(), why);
                });
                if (allowedCalls != null && allowedCalls.stream().noneMatch(call::coveredBy)) {
                    throw new InvalidRuleException(
                            call.field(),
                            "calls " + call + ", which no " + rule.type()
                                    + " rule in force calls (at that path or above)"
                                    + (call.secrets().isEmpty() ? "" : " with these variables")
                                    + "; a preview runs with"
                                    + " policy-gate's credentials, so a candidate may call only what the set in force does."
                                    + " Put the rule in force with mode: audit to see its effect");
                }
            }
        }

        /** An optional field of a rule naming one of {@code values}; null, with an error, when it names none. */
        private <E> E option(
                JsonNode rule, String field, String pointer, E[] values, Function<E, String> wireName, E absent) {
            JsonNode value = rule.get(field);
            if (value == null) {
                return absent;
            }
            E chosen = value.isTextual()
                    ? Arrays.stream(values)
                            .filter(v -> wireName.apply(v).equals(value.textValue()))
                            .findFirst()
                            .orElse(null)
                    : null;
            if (chosen == null) {
                error(
                        pointer + "/" + field,
                        "must be one of " + Arrays.stream(values).map(wireName).toList());
            }
            return chosen;
        }

        private <T> T bind(JsonNode node, String pointer, Class<T> type) {
            try {
                return BINDER.treeToValue(node, type);
            } catch (UnrecognizedPropertyException e) {
                error(
                        pointer + YamlDocument.pointerOf(e),
                        "unknown field '" + e.getPropertyName() + "'; known fields: " + known(e.getKnownPropertyIds()));
            } catch (InvalidFormatException e) {
                error(
                        pointer + YamlDocument.pointerOf(e),
                        "'" + e.getValue() + "' is not " + describe(e.getTargetType()));
            } catch (MismatchedInputException e) {
                error(pointer + YamlDocument.pointerOf(e), "must be " + describe(e.getTargetType()));
            } catch (IOException e) {
                error(pointer, e.getMessage());
            }
            return null;
        }

        private void error(String pointer, String message) {
            errors.add(new PolicyError(file, document.lineOf(pointer), YamlDocument.fieldName(pointer), message));
        }
    }

    private static List<Glob> globs(List<String> texts) {
        return texts == null ? List.of() : texts.stream().map(Glob::of).toList();
    }

    private static String known(Collection<Object> ids) {
        return ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type.isEnum()) {
            return "one of "
                    + Arrays.stream(type.getEnumConstants())
                            .map(String::valueOf)
                            .map(s -> s.toLowerCase(java.util.Locale.ROOT))
                            .toList();
        }
        if (CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Number.class.isAssignableFrom(type) || type == int.class || type == long.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return "a mapping";
    }
}
