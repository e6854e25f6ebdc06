package io.policygate.event;

import java.util.regex.Pattern;

/**
 * What a job is stored for: which merge request, commit and status check to look at, what asked, and a few names
 * to show until GitLab's own facts replace them. This is all that is kept of a webhook: the body is a trigger, not
 * evidence, so nothing else of it is stored, and none of it decides a verdict.
 *
 * @param action the webhook's {@code object_attributes.action} (null when absent, as in GitLab's retries)
 * @param deliveryId a Standard Webhooks delivery's {@code webhook-id}; null for other webhooks and own jobs
 * @param gitlabStatus the status GitLab showed for the check at {@code sha} when policy-gate queued the job from
 *     GitLab's own answer (the reconciliation sweep reads it); null for webhooks, which carry none. The
 *     evaluation holds it against its verdict to find a status someone else posted.
 */
public record Trigger(
        CheckKey key, String sha, Origin origin, String action, String deliveryId, Names names, String gitlabStatus) {

    /** A commit id: 40 hex digits, or 64 in a SHA-256 repository (GitLab's object_format sha256). */
    private static final Pattern COMMIT = Pattern.compile("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");

    /** The longest name kept; GitLab's own limit for titles and branch names is 255. */
    public static final int NAME_LENGTH = 500;

    /**
     * What lists show of the merge request before it is judged; any of them may be null (unknown). Each is cut to
     * {@link #NAME_LENGTH} characters.
     *
     * @param triggeredBy the user whose action GitLab reported ({@code user.username})
     */
    public record Names(
            String projectPath,
            String title,
            String checkName,
            String sourceBranch,
            String targetBranch,
            String triggeredBy) {

        public Names {
            projectPath = cut(projectPath);
            title = cut(title);
            checkName = cut(checkName);
            sourceBranch = cut(sourceBranch);
            targetBranch = cut(targetBranch);
            triggeredBy = cut(triggeredBy);
        }
    }

    public Trigger {
        action = cut(action);
    }

    /** Whether {@code sha} is a commit id: 40 hex digits, or 64. */
    public static boolean isCommit(String sha) {
        return sha != null && COMMIT.matcher(sha).matches();
    }

    /** This trigger as a signed delivery with that {@code webhook-id}. */
    public Trigger deliveredAs(String id) {
        return new Trigger(key, sha, origin, action, id, names, gitlabStatus);
    }

    /** A name as it is kept: null when empty, at most {@link #NAME_LENGTH} characters. */
    public static String cut(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.length() <= NAME_LENGTH) {
            return text;
        }
        // Never half of a surrogate pair: the name is stored and shown as text.
        return text.substring(
                0, Character.isHighSurrogate(text.charAt(NAME_LENGTH - 1)) ? NAME_LENGTH - 1 : NAME_LENGTH);
    }
}
