package io.policygate.access;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a caller may do. Each role includes the ones below it, so a token or a group needs only the highest it
 * should have: {@code operator} ⊃ {@code previewer} ⊃ {@code viewer}. The table in docs/operations.md lists
 * the endpoints of each.
 */
public final class Roles {

    /** The pages, the history API, the policies list, previews' results, /q/openapi. */
    public static final String VIEWER = "viewer";

    /**
     * Dry runs and impact previews: what a policy repository's CI needs to check a change, without the power to
     * make the service load it.
     */
    public static final String PREVIEWER = "previewer";

    /** Reloading policies and handing policy-gate the status checks that {@code register} created. */
    public static final String OPERATOR = "operator";

    /** Highest first; each includes all that follow it. */
    public static final List<String> ALL = List.of(OPERATOR, PREVIEWER, VIEWER);

    private Roles() {}

    /** {@code granted} with every role they include, e.g. [previewer] → [previewer, viewer]; unknown names kept. */
    public static Set<String> withIncluded(Set<String> granted) {
        Set<String> roles = new LinkedHashSet<>(granted);
        for (int i = 0; i < ALL.size(); i++) {
            if (granted.contains(ALL.get(i))) {
                roles.addAll(ALL.subList(i, ALL.size()));
            }
        }
        return roles;
    }
}
