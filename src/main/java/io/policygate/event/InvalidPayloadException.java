package io.policygate.event;

/** A webhook body we cannot act on; {@code field} is the JSON path at fault, e.g. "project.id". */
public class InvalidPayloadException extends RuntimeException {

    private final String field;

    public InvalidPayloadException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
