package io.policygate.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.policy.PolicyOrigin;
import io.policygate.policy.VerdictStatus;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The waivers column: findable one id at a time, and never longer than the column whatever a verdict used. */
class NewVerdictTest {

    private static NewVerdict with(List<String> waivers) {
        return new NewVerdict(
                VerdictStatus.PASSED,
                VerdictStatus.PASSED,
                "{}",
                "[]",
                PolicyOrigin.NONE,
                "{}",
                null,
                null,
                waivers,
                null,
                false);
    }

    @Test
    void eachWaiverStandsBetweenCommasAndNoneIsNull() {
        assertNull(with(List.of()).waiversColumn());
        assertEquals(",W-1,W-2,", with(List.of("W-1", "W-2")).waiversColumn());
    }

    @Test
    void aListLongerThanTheColumnKeepsWholeIdsAndSaysItWasCut() {
        List<String> many =
                IntStream.range(0, 200).mapToObj(i -> "W-" + "x".repeat(58) + i).toList();

        String column = with(many).waiversColumn();

        assertTrue(column.length() <= 8000, column.length() + " characters");
        assertTrue(column.startsWith("," + many.get(0) + "," + many.get(1) + ","), column);
        assertTrue(column.endsWith(",…,"), column.substring(column.length() - 80));
        String beforeCut = column.substring(0, column.length() - 2);
        assertTrue(many.contains(
                beforeCut.substring(beforeCut.lastIndexOf(',', beforeCut.length() - 2) + 1, beforeCut.length() - 1)));
    }
}
