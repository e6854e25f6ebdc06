package io.policygate.policy;

/** One changed file of a merge request, as GitLab's diffs API gives it; {@code diff} is the unified diff. */
public record Change(String path, String oldPath, boolean added, boolean deleted, boolean renamed, String diff) {

    /** Lines the diff adds (excluding the +++ header). */
    public int addedLines() {
        return countLines('+');
    }

    /** Lines the diff removes (excluding the --- header). */
    public int deletedLines() {
        return countLines('-');
    }

    private int countLines(char sign) {
        if (diff == null || diff.isEmpty()) {
            return 0;
        }
        int count = 0;
        for (String line : diff.split("\n", -1)) {
            if (!line.isEmpty() && line.charAt(0) == sign && !line.startsWith("+++") && !line.startsWith("---")) {
                count++;
            }
        }
        return count;
    }
}
