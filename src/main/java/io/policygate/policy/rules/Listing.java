package io.policygate.policy.rules;

import java.util.List;

/** Lists offending items in a message without letting a huge merge request flood it. */
final class Listing {

    private static final int SHOWN = 10;

    private Listing() {}

    static String shown(List<String> items) {
        return items.size() <= SHOWN
                ? String.join(", ", items)
                : String.join(", ", items.subList(0, SHOWN)) + " and " + (items.size() - SHOWN) + " more";
    }
}
