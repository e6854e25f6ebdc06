package io.policygate.web;

import io.quarkus.qute.TemplateExtension;

/**
 * A count with its noun as English says it ("1 evaluation", "2 evaluations", "1 policy", "3 policies"): in the pages
 * as {@code {count.counted('evaluation')}}, or {@code {count.counted('policy|policies')}} for an irregular plural.
 */
@TemplateExtension
final class Counted {

    private Counted() {}

    static String counted(Number count, String noun) {
        int bar = noun.indexOf('|');
        String one = bar < 0 ? noun : noun.substring(0, bar);
        String many = bar < 0 ? noun + "s" : noun.substring(bar + 1);
        return count + " " + (count.longValue() == 1 ? one : many);
    }
}
