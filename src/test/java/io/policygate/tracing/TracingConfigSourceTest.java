package io.policygate.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tracing is off until an operator names a collector; a default does not count, and an explicit choice wins. */
class TracingConfigSourceTest {

    private static String sdkDisabled(Map<String, String> operator) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                // What Quarkus' own defaults would say, below everything an operator writes.
                .withSources(new PropertiesConfigSource(
                        Map.of("quarkus.otel.exporter.otlp.endpoint", "http://localhost:4317"), "defaults", -1))
                .withSources(new PropertiesConfigSource(operator, "application.properties", 250))
                .withSources(new TracingConfigSource())
                .build();
        return config.getRawValue("quarkus.otel.sdk.disabled");
    }

    @Test
    void withoutAnEndpointTheSdkIsDisabled() {
        assertEquals("true", sdkDisabled(Map.of()));
    }

    @Test
    void anEndpointOfTheOperatorsTurnsTracingOn() {
        assertEquals("false", sdkDisabled(Map.of("quarkus.otel.exporter.otlp.endpoint", "http://collector:4317")));
        assertEquals(
                "false", sdkDisabled(Map.of("quarkus.otel.exporter.otlp.traces.endpoint", "http://collector:4318")));
    }

    @Test
    void anOperatorsOwnChoiceWins() {
        assertEquals(
                "true",
                sdkDisabled(Map.of(
                        "quarkus.otel.exporter.otlp.endpoint",
                        "http://collector:4317",
                        "quarkus.otel.sdk.disabled",
                        "true")));
    }
}
