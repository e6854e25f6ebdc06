package io.policygate.event;

import java.io.InputStream;
import java.util.Map;

/**
 * What policy-gate takes of GitLab's external-control request (ComplianceRequirements::TriggerExternalControlService:
 * the project's details with {@code project_control_compliance_status}): the project and the control, read as the
 * body arrives; the project's details, whose claims are not evidence, are skipped unread.
 */
public record ExternalControlRequest(long projectId, long controlId) {

    private static final String STATUS = "project_control_compliance_status";
    private static final PayloadReader.Fields SHAPE = new PayloadReader.Fields(
            Map.of(STATUS, PayloadReader.Fields.of("project_id", "compliance_requirements_control_id")));
    /** The fields read are numbers; nothing longer is held. */
    private static final PayloadReader READER = new PayloadReader(1_000);

    /**
     * @throws InvalidPayloadException when the body is not one JSON object, or the ids are missing or not positive
     * @throws java.io.UncheckedIOException when the body cannot be read (the stream failed, or was cut off)
     */
    public static ExternalControlRequest parse(InputStream body) {
        PayloadReader.Read read = READER.read(body, SHAPE);
        read.requireObject(STATUS);
        return new ExternalControlRequest(
                read.positiveLong(STATUS + ".project_id"),
                read.positiveLong(STATUS + ".compliance_requirements_control_id"));
    }
}
