package io.policygate.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * policy-gate's spans (OpenTelemetry, off unless quarkus.otel.exporter.otlp.endpoint is set: then every call here is
 * a no-op of the API). A job's step runs long after the request that queued it, on other threads: the request's
 * span context is kept with the job as a W3C traceparent, and the step continues that trace.
 */
@ApplicationScoped
public class Traces {

    private static final String TRACEPARENT = "traceparent";
    private static final TextMapGetter<Map<String, String>> FROM_MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;

    /**
     * @param disabled quarkus.otel.sdk.disabled: Quarkus' Tracer bean still records spans (without exporting them)
     *     when the SDK is disabled, so policy-gate's own spans are the API's no-ops then
     */
    @Inject
    public Traces(Tracer tracer, @ConfigProperty(name = "quarkus.otel.sdk.disabled") boolean disabled) {
        this.tracer = disabled ? OpenTelemetry.noop().getTracer("io.policygate") : tracer;
    }

    /** A span of policy-gate's, named {@code name}, child of {@code parent}. */
    public SpanBuilder span(String name, Context parent) {
        return tracer.spanBuilder(name).setParent(parent);
    }

    /** The current span's context as a W3C traceparent, to keep with a job; null when no span is recording. */
    public static String currentParent() {
        Span span = Span.current();
        if (!span.getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /** The context a kept traceparent names; the root context when there is none. */
    public static Context parentOf(String traceParent) {
        if (traceParent == null) {
            return Context.root();
        }
        return W3CTraceContextPropagator.getInstance()
                .extract(Context.root(), Map.of(TRACEPARENT, traceParent), FROM_MAP);
    }

    /** The first 8 characters of a commit, as spans name it. */
    public static String shortSha(String sha) {
        return sha == null ? "" : sha.substring(0, Math.min(8, sha.length()));
    }
}
