package io.policygate.policy;

/** One problem in a policy file, located so an author can go straight to it. */
public record PolicyError(String file, int line, String field, String message) {

    @Override
    public String toString() {
        String where = line > 0 ? file + ":" + line : file;
        return field == null || field.isEmpty() ? where + ": " + message : where + ": " + field + ": " + message;
    }
}
