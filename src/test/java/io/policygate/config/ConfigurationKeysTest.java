package io.policygate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ConfigurationKeysTest {

    @Test
    void everyMappingInterfaceIsOneWhoseKeysAreKnown() {
        Set<String> annotated = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.policygate").stream()
                        .filter(type -> type.isAnnotatedWith(ConfigMapping.class))
                        .map(JavaClass::getName)
                        .collect(Collectors.toCollection(TreeSet::new));
        Set<String> listed =
                ConfigurationKeys.MAPPINGS.stream().map(Class::getName).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(annotated, listed);
    }

    @Test
    void keysAreKnownWithTheirMapKeysAndListIndexes() {
        assertTrue(ConfigurationKeys.all().contains("policy-gate.gitlab.url"));
        assertTrue(ConfigurationKeys.all().contains("policy-gate.api.tokens.*.sha256"));
        assertFalse(ConfigurationKeys.all().contains("policy-gate.webhook.urls[*]"), "lists are documented once");
        assertTrue(ConfigurationKeys.exists("policy-gate.api.tokens.ci.sha256"));
        assertTrue(ConfigurationKeys.exists("policy-gate.webhook.urls[1]"));
        assertFalse(ConfigurationKeys.exists("policy-gate.api.tokens.sha256"));
        assertFalse(ConfigurationKeys.exists("policy-gate.report.comentt"));
        assertEquals(
                Optional.of("policy-gate.report.comment"), ConfigurationKeys.closest("policy-gate.report.comentt"));
        assertEquals(Optional.empty(), ConfigurationKeys.closest("policy-gate.nothing-like-it"));
    }

    @Test
    void environmentVariablesAreCheckedAsTheConfigurationReadsThem() {
        assertEquals(
                "POLICY_GATE_API_TOKENS_CI_SHA256",
                ConfigurationKeys.environmentVariable("policy-gate.api.tokens.ci.sha256"));
        assertTrue(ConfigurationKeys.existsAsVariable("POLICY_GATE_GITLAB_URL"));
        assertTrue(ConfigurationKeys.existsAsVariable("POLICY_GATE_API_TOKENS_CI_SHA256"));
        assertTrue(ConfigurationKeys.existsAsVariable("POLICY_GATE_WEBHOOK_URLS_0_"));
        assertFalse(ConfigurationKeys.existsAsVariable("POLICY_GATE_REPORT_COMENTT"));

        assertEquals(
                Optional.of("Environment variable POLICY_GATE_GITLAB_ULR is no policy-gate key's; did you mean"
                        + " POLICY_GATE_GITLAB_URL (policy-gate.gitlab.url)?"),
                StartupConfigurationCheck.unknownVariable("POLICY_GATE_GITLAB_ULR"));
        assertEquals(
                Optional.of("Environment variable POLICY_GATE_SOMETHING_ELSE is no policy-gate key's and is ignored"),
                StartupConfigurationCheck.unknownVariable("POLICY_GATE_SOMETHING_ELSE"));
        for (String quiet : List.of(
                "POLICY_GATE_GITLAB_URL",
                "POLICY_GATE_SERVICE_HOST",
                "POLICY_GATE_SERVICE_PORT_HTTP",
                "POLICY_GATE_PORT_8080_TCP_ADDR",
                "POLICY_GATE_DB_PASSWORD",
                "HOME")) {
            assertEquals(Optional.empty(), StartupConfigurationCheck.unknownVariable(quiet), quiet);
        }
    }

    @Test
    void anUnknownKeyIsRefusedWithTheKeyMeantAndWhereItWasSet() {
        var config = new SmallRyeConfigBuilder()
                .withSources(new io.smallrye.config.PropertiesConfigSource(
                        Map.of(
                                "policy-gate.gitlab.ulr", "https://gitlab.example.com",
                                "policy-gate.gitlab.url", "https://gitlab.example.com",
                                "policy-gate.api.tokens.ci.sha256", "0".repeat(64),
                                "quarkus.http.port", "8080"),
                        "application.properties",
                        250))
                .build();
        assertEquals(
                List.of("policy-gate.gitlab.ulr (in application.properties) is not a policy-gate key; did you mean"
                        + " policy-gate.gitlab.url?"),
                StartupConfigurationCheck.unknownKeys(config));
    }
}
