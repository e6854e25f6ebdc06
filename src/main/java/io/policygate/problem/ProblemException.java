package io.policygate.problem;

/**
 * Ends a request with a problem+json answer; {@code closing}: the answer also ends the connection, because what the
 * client is still sending (a body not read to its end) is not read.
 */
public class ProblemException extends RuntimeException {

    private final Problem problem;
    private final boolean closing;

    public ProblemException(int status, String type, String title, String detail, String field) {
        this(status, type, title, detail, field, false);
    }

    public ProblemException(int status, String type, String title, String detail, String field, boolean closing) {
        super(detail);
        this.problem = new Problem("urn:policy-gate:problem:" + type, title, status, detail, field);
        this.closing = closing;
    }

    public Problem problem() {
        return problem;
    }

    public boolean closing() {
        return closing;
    }
}
