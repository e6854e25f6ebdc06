package io.policygate.problem;

/** Ends a request with a problem+json answer. */
public class ProblemException extends RuntimeException {

    private final Problem problem;

    public ProblemException(int status, String type, String title, String detail, String field) {
        super(detail);
        this.problem = new Problem("urn:policy-gate:problem:" + type, title, status, detail, field);
    }

    public Problem problem() {
        return problem;
    }
}
