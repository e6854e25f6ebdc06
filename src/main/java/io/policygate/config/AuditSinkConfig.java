package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where the decision record of every verdict GitLab took is streamed, as it is reached: the company's log store
 * (Splunk's HTTP Event Collector, Elastic, any HTTP endpoint). Each record is POSTed once it is in the journal's
 * outbox, in order, at least once: a sink that is down holds them until it answers.
 */
@ConfigMapping(prefix = "policy-gate.audit.sink")
public interface AuditSinkConfig {

    /** The endpoint each record is POSTed to, e.g. https://splunk.example.com:8088/services/collector/raw; unset: none. */
    Optional<URI> url();

    /** {@code json}: the record as it is; {@code cloudevents}: wrapped in a CloudEvent (structured mode, JSON). */
    @WithDefault("json")
    Format format();

    /**
     * Headers sent with every record, by name, e.g. {@code policy-gate.audit.sink.headers.authorization=Splunk …}
     * (from a Secret: POLICY_GATE_AUDIT_SINK_HEADERS_AUTHORIZATION). Never logged.
     */
    Map<String, String> headers();

    /** How long one POST may take before it counts as failed and is tried again. */
    @WithDefault("10s")
    Duration timeout();

    /** How the records are sent. */
    enum Format {
        JSON,
        CLOUDEVENTS
    }
}
