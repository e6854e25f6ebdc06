package io.policygate.journal;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;

/**
 * Evaluation ids: UUIDs of version 7 (RFC 9562), a millisecond timestamp followed by 74 random bits. Ids
 * made one after another sort one after another, so a new job's entry in the primary-key index lands on
 * its last page. With random (version 4) ids each insert dirtied another page of that index, and every
 * group commit of the embedded journal had to write all of them again.
 */
final class EvaluationIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private EvaluationIds() {}

    static String next(Instant now) {
        long mostSignificant = now.toEpochMilli() << 16 | 0x7000 | RANDOM.nextInt(0x1000);
        long leastSignificant = RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(mostSignificant, leastSignificant).toString();
    }
}
