package io.policygate.config;

import io.policygate.text.Suggestions;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappings;
import io.smallrye.config.ConfigMappings.ConfigClass;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every {@code policy-gate.*} key there is, read from the {@link ConfigMapping} interfaces themselves, so that a key
 * written wrong is named with the one meant, and the reference documentation can be checked against the code.
 */
public final class ConfigurationKeys {

    /** One per concern; a test fails when a {@code @ConfigMapping} interface is missing here. */
    public static final List<Class<?>> MAPPINGS = List.of(
            ServiceConfig.class,
            ApiConfig.class,
            AttestationConfig.class,
            AuditSinkConfig.class,
            ComplianceConfig.class,
            CoverageConfig.class,
            DatabaseConfig.class,
            GitLabConfig.class,
            HistoryConfig.class,
            PoliciesConfig.class,
            PreviewConfig.class,
            ReconcileConfig.class,
            ReportConfig.class,
            WaiversConfig.class,
            WebConfig.class,
            WebhookConfig.class,
            WorkerConfig.class);

    /**
     * Every key as the mappings name it: a map's key written {@code *} ({@code policy-gate.api.tokens.*.sha256}), a
     * list both as itself and indexed ({@code policy-gate.webhook.urls[*]}).
     */
    private static final Set<String> MAPPED = MAPPINGS.stream()
            .flatMap(mapping -> ConfigMappings.getProperties(new ConfigClass(
                            mapping, mapping.getAnnotation(ConfigMapping.class).prefix()))
                    .keySet()
                    .stream())
            .collect(Collectors.toCollection(TreeSet::new));

    /** Every key once, lists without their index form: what the reference documents. */
    private static final Set<String> KEYS =
            MAPPED.stream().filter(key -> !key.endsWith("[*]")).collect(Collectors.toCollection(TreeSet::new));

    private static final List<Pattern> PATTERNS = MAPPED.stream()
            .map(key -> wildcards(key, UnaryOperator.identity(), "[^.]+"))
            .toList();

    private static final List<Pattern> VARIABLE_PATTERNS = MAPPED.stream()
            .map(key -> wildcards(key, ConfigurationKeys::environmentVariable, "[A-Z0-9_]+"))
            .toList();

    /** The environment variable of every key without a wildcard, to the key. */
    private static final Map<String, String> VARIABLES = KEYS.stream()
            .filter(key -> !key.contains("*"))
            .collect(Collectors.toMap(ConfigurationKeys::environmentVariable, Function.identity()));

    private ConfigurationKeys() {}

    public static Set<String> all() {
        return KEYS;
    }

    public static boolean exists(String key) {
        return PATTERNS.stream().anyMatch(pattern -> pattern.matcher(key).matches());
    }

    /** The key closest to one that does not exist, if one is close. */
    public static Optional<String> closest(String key) {
        return Suggestions.closest(key, KEYS);
    }

    /** True when an environment variable ({@code POLICY_GATE_GITLAB_URL}) sets a key. */
    public static boolean existsAsVariable(String variable) {
        return VARIABLE_PATTERNS.stream()
                .anyMatch(pattern -> pattern.matcher(variable).matches());
    }

    /** The key whose environment variable is closest to one that sets no key, if one is close. */
    public static Optional<String> closestVariable(String variable) {
        return Suggestions.closest(variable, VARIABLES.keySet()).map(VARIABLES::get);
    }

    /** {@code key}, each part between wildcards written by {@code form}, each {@code *} one name made of {@code name}. */
    private static Pattern wildcards(String key, UnaryOperator<String> form, String name) {
        return Pattern.compile(Arrays.stream(key.split("\\*", -1))
                .map(part -> Pattern.quote(form.apply(part)))
                .collect(Collectors.joining(name)));
    }

    /**
     * A key's environment variable, as the configuration reads it: every character but letters and digits becomes
     * {@code _}, all upper case ({@code policy-gate.api.tokens.ci.sha256} is {@code POLICY_GATE_API_TOKENS_CI_SHA256}).
     */
    public static String environmentVariable(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** A key as a problem names it: {@code policy-gate.gitlab.url (POLICY_GATE_GITLAB_URL)}. */
    public static String named(String key) {
        return key + " (" + environmentVariable(key) + ")";
    }
}
