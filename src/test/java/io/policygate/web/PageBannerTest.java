package io.policygate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Every page says so when what it shows is not production's. */
class PageBannerTest {

    @Test
    void devModeAndDryRunAreSaidProductionIsNot() {
        assertNull(new PageBanner(false, false, false, null).text());
        assertEquals(
                "Dry run: verdicts are computed from GitLab's facts, and nothing is posted to GitLab.",
                new PageBanner(false, true, false, null).text());
        assertEquals(
                "Dev mode (./mvnw quarkus:dev): a journal of its own in ./data/dev, pages open to anyone. Dry run"
                        + " without GitLab: verdicts judge the names each webhook gave, and nothing is posted.",
                new PageBanner(true, true, true, null).text());
    }

    @Test
    void countsSayTheirNounInTheSingularForOne() {
        assertEquals("1 evaluation", Counted.counted(1, "evaluation"));
        assertEquals("0 evaluations", Counted.counted(0L, "evaluation"));
        assertEquals("3 forged statuses", Counted.counted(3, "forged status|forged statuses"));
    }
}
