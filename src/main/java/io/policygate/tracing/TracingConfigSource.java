package io.policygate.tracing;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Tracing is off unless an operator says where the traces go: without quarkus.otel.exporter.otlp.endpoint (or its
 * traces. form) set, the OpenTelemetry SDK is disabled (quarkus.otel.sdk.disabled=true), so that no span is recorded
 * and no exporter tries a collector on localhost. Quarkus' own default for the endpoint does not count as set. An
 * operator can still set quarkus.otel.sdk.disabled by hand: this source is below application.properties.
 */
public class TracingConfigSource implements ConfigSourceFactory {

    static final List<String> ENDPOINTS =
            List.of("quarkus.otel.exporter.otlp.endpoint", "quarkus.otel.exporter.otlp.traces.endpoint");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        boolean endpointSet = ENDPOINTS.stream().map(context::getValue).anyMatch(TracingConfigSource::setByOperator);
        return List.of(
                new MapBackedConfigSource(
                        "policy-gate tracing",
                        Map.of("quarkus.otel.sdk.disabled", String.valueOf(!endpointSet)),
                        200) {});
    }

    /** A value from a source an operator writes (properties, environment, system properties), not a default. */
    private static boolean setByOperator(ConfigValue value) {
        return value != null
                && value.getValue() != null
                && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() >= 100;
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(200);
    }
}
