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
import io.policygate.policy.rules.Rule;
import io.policygate.policy.rules.RuleType;
import io.policygate.policy.rules.RuleTypes;
import io.policygate.policy.rules.SecretGrants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
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

    private final RuleTypes ruleTypes;
    /** The calls to other services a rule may make; null when any is allowed. */
    private final List<OutboundCall> allowedCalls;
    /** The environment variables a rule may send, and where. */
    private final SecretGrants secrets;

    /** A loader for the command line: any call, any variable (the service's environment is not there). */
    public PolicyLoader(RuleTypes ruleTypes) {
        this(ruleTypes, null, SecretGrants.ANY);
    }

    /** A loader for the service: a rule may send only the variables {@code secrets} grants, where it grants them. */
    public PolicyLoader(RuleTypes ruleTypes, SecretGrants secrets) {
        this(ruleTypes, null, secrets);
    }

    private PolicyLoader(RuleTypes ruleTypes, List<OutboundCall> allowedCalls, SecretGrants secrets) {
        this.ruleTypes = ruleTypes;
        this.allowedCalls = allowedCalls;
        this.secrets = secrets;
    }

    /**
     * A loader that refuses, as an error at the rule, any call to another service that is not one of
     * {@code calls} (same origin, same secrets): for candidate sets, which run with policy-gate's
     * environment but were not reviewed like the set in force.
     */
    public PolicyLoader restrictedTo(List<OutboundCall> calls) {
        return new PolicyLoader(ruleTypes, List.copyOf(calls), secrets);
    }

    /** The fields of a policy document; rules stay trees until their type is known. */
    record PolicyDocument(
            String name, PolicyMode mode, String description, AppliesToDocument appliesTo, List<JsonNode> rules) {}

    record AppliesToDocument(
            List<JsonNode> projects, List<String> targetBranches, List<String> statusChecks, String when) {}

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
     * The policy files of a folder, by the name errors give them (the path), in name order.
     *
     * @throws PolicyLoadException when the folder does not exist
     */
    public static Map<String, byte[]> read(Path dir, List<PolicyError> errors) {
        if (!Files.isDirectory(dir)) {
            throw new PolicyLoadException(List.of(new PolicyError(
                    dir.toString(), 0, null, "policy directory does not exist (set policy-gate.policies.dir)")));
        }
        Map<String, byte[]> files = new TreeMap<>();
        for (Path file : policyFiles(dir, errors)) {
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
        for (Map.Entry<String, byte[]> file : new TreeMap<>(files).entrySet()) {
            hashes.add(new PolicySet.PolicyFile(file.getKey(), Sha256.hex(file.getValue())));
            policies.addAll(parse(file.getKey(), new String(file.getValue(), StandardCharsets.UTF_8), errors));
        }
        checkUniqueNames(policies, errors);
        if (!errors.isEmpty()) {
            throw new PolicyLoadException(errors);
        }
        return new PolicySet(policies, hashes);
    }

    /**
     * What the policy files are now: their names and content hashes. Content, not modification times,
     * so that a Kubernetes ConfigMap update (an atomic swap of the ..data symlink) is seen as it is.
     */
    public static List<PolicySet.PolicyFile> fingerprint(Path dir) {
        List<PolicySet.PolicyFile> files = new ArrayList<>();
        for (Path file : policyFiles(dir, new ArrayList<>())) {
            try {
                files.add(new PolicySet.PolicyFile(file.toString(), Sha256.hex(Files.readAllBytes(file))));
            } catch (IOException e) {
                files.add(new PolicySet.PolicyFile(file.toString(), "unreadable: " + e.getMessage()));
            }
        }
        return files;
    }

    /** Policy files directly in {@code dir}; hidden entries (ConfigMap's ..data) and *.test.yaml are not policies. */
    private static List<Path> policyFiles(Path dir, List<PolicyError> errors) {
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
        List<YamlDocument> documents;
        try {
            documents = YamlDocument.readAll(text);
        } catch (YamlDocument.SyntaxException e) {
            errors.add(new PolicyError(file, e.line, null, e.getMessage()));
            return List.of();
        }
        List<Policy> policies = new ArrayList<>();
        for (YamlDocument document : documents) {
            int before = errors.size();
            Policy policy = new DocumentReader(file, document, errors).read();
            if (errors.size() == before) {
                policies.add(policy);
            }
        }
        return policies;
    }

    private static void checkUniqueNames(List<Policy> policies, List<PolicyError> errors) {
        Map<String, Policy> seen = new HashMap<>();
        for (Policy policy : policies) {
            Policy first = seen.putIfAbsent(policy.name(), policy);
            if (first != null) {
                errors.add(new PolicyError(
                        policy.source().file(),
                        policy.source().line(),
                        "name",
                        "duplicate policy name '" + policy.name() + "', first defined at " + first.source()));
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

        private AppliesTo appliesTo(AppliesToDocument doc) {
            List<Long> ids = new ArrayList<>();
            List<Glob> paths = new ArrayList<>();
            List<JsonNode> projects = doc.projects() == null ? List.of() : doc.projects();
            for (int i = 0; i < projects.size(); i++) {
                JsonNode project = projects.get(i);
                if (project.isIntegralNumber() && project.canConvertToLong() && project.longValue() > 0) {
                    ids.add(project.longValue());
                } else if (project.isTextual() && !project.textValue().isBlank()) {
                    paths.add(Glob.of(project.textValue()));
                } else {
                    error("/appliesTo/projects/" + i, "must be a project id (a positive number) or a path glob");
                }
            }
            CompiledCondition when = null;
            if (doc.when() != null) {
                try {
                    when = ConditionCompiler.compile(doc.when());
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
                Rule rule = type.create(bound);
                checkAllowed(rule);
                return new PolicyRule(
                        type.name(), messageNode == null ? null : messageNode.textValue(), onError, mode, rule);
            } catch (InvalidRuleException e) {
                error(pointer + "/" + e.field().replaceAll("\\[(\\d+)]", "/$1").replace('.', '/'), e.getMessage());
                return null;
            }
        }

        private void checkAllowed(Rule rule) {
            for (OutboundCall call : rule.outboundCalls()) {
                secrets.refusal(call).ifPresent(why -> {
                    throw new InvalidRuleException(call.field(), why);
                });
                if (allowedCalls != null && allowedCalls.stream().noneMatch(call::sameAs)) {
                    throw new InvalidRuleException(
                            call.field(),
                            "calls " + call + ", which no policy in force calls"
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
