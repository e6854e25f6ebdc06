package io.policygate.policy;

import java.util.Optional;

/**
 * Where a policy set was read from: {@code source} as people name it (the folder, or the repository with its ref
 * and folder) and, for a repository, the commit its files were read at. A verdict names both, so that it can be
 * traced to the reviewed version of the policies that decided it.
 */
public record PolicyOrigin(String source, String commit) {

    /** A set read from no source: an empty set, a candidate, a test's. */
    public static final PolicyOrigin NONE = new PolicyOrigin(null, null);

    private static final String REPOSITORY = "gitlab:";

    /** A folder: its files carry no commit. */
    public static PolicyOrigin folder(String dir) {
        return new PolicyOrigin(dir, null);
    }

    /** A GitLab repository's files at {@code commit}, read for {@code ref}: {@code gitlab:compliance/policies@main}. */
    public static PolicyOrigin repository(String project, String ref, String commit) {
        return new PolicyOrigin(REPOSITORY + project + "@" + ref, commit);
    }

    /** The GitLab project the set was read from, when it was read from one. */
    public Optional<String> repository() {
        if (source == null || !source.startsWith(REPOSITORY) || !source.contains("@")) {
            return Optional.empty();
        }
        return Optional.of(source.substring(REPOSITORY.length(), source.lastIndexOf('@')));
    }

    /** {@code source}, and the commit when there is one: {@code compliance/policies@main (3f2a9c1…)}. */
    @Override
    public String toString() {
        return source == null ? "no source" : commit == null ? source : source + " at " + commit;
    }
}
