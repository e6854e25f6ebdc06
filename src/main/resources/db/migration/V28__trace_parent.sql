-- The W3C traceparent of the request (or sweep) that queued a job, so that its steps, on other threads and perhaps
-- another replica, continue that trace (OpenTelemetry, when quarkus.otel.exporter.otlp.endpoint is set).
ALTER TABLE evaluation_job ADD COLUMN trace_parent VARCHAR(64);
