package io.policygate.text;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** "Did you mean": of the names there are, the one closest to a name written, if it is close. */
public final class Suggestions {

    /** Two edits: a letter left out and one swapped, say. */
    private static final int CLOSE = 2;

    private static final LevenshteinDistance DISTANCE = new LevenshteinDistance(CLOSE);

    private Suggestions() {}

    public static Optional<String> closest(String written, Collection<String> names) {
        return names.stream()
                .filter(name -> DISTANCE.apply(written, name) >= 0)
                .min(Comparator.comparingInt(name -> DISTANCE.apply(written, name)));
    }
}
