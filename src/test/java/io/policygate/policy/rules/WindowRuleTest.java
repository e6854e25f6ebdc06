package io.policygate.policy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.policygate.policy.FakeMergeRequest;
import io.policygate.policy.FakeMergeRequestData;
import io.policygate.policy.Outcome;
import io.policygate.policy.RuleResult;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Change windows: the freeze and business hours in Europe/Berlin, judged at chosen instants. */
class WindowRuleTest {

    private static final WindowRule.Config BANK = new WindowRule.Config(
            List.of(new WindowRule.FreezeConfig(
                    "2026-12-20T00:00", "2027-01-04T00:00", "Europe/Berlin", "Year-end freeze")),
            new WindowRule.AllowConfig(List.of("Mon", "Tue", "Wed", "Thu", "Fri"), "08:00-18:00", "Europe/Berlin"));

    private static RuleResult at(WindowRule.Config config, String instant) {
        return RuleTables.evaluate(
                WindowRule.TYPE,
                config,
                FakeMergeRequest.sample(),
                FakeMergeRequestData.of(List.of(), List.of()),
                Instant.parse(instant));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // Thursday 10:00 in Berlin (UTC+1 in winter): within the hours, before the freeze.
                "2026-12-17T09:00:00Z | PASSED | within the change window until 2026-12-17T17:00:00Z",
                // Thursday 18:30 in Berlin: after hours.
                "2026-12-17T17:30:00Z | FAILED | merges only Mon, Tue, Wed, Thu, Fri 08:00-18:00 Europe/Berlin; now is"
                        + " 2026-12-17 18:30 there, next allowed from 2026-12-18 08:00",
                // Saturday noon.
                "2026-12-19T11:00:00Z | FAILED | merges only Mon, Tue, Wed, Thu, Fri 08:00-18:00 Europe/Berlin; now is"
                        + " 2026-12-19 12:00 there, next allowed from 2026-12-21 08:00",
                // Monday 10:00, in the freeze: the freeze decides, and says when it ends.
                "2026-12-21T09:00:00Z | FAILED | no merges during Year-end freeze (2026-12-20 00:00 to 2027-01-04 00:00"
                        + " Europe/Berlin); it ends 2027-01-04 00:00 Europe/Berlin",
                // The freeze's first minute is in it; its end is not.
                "2026-12-19T23:00:00Z | FAILED | no merges during Year-end freeze (2026-12-20 00:00 to 2027-01-04 00:00"
                        + " Europe/Berlin); it ends 2027-01-04 00:00 Europe/Berlin",
                "2027-01-04T07:00:00Z | PASSED | within the change window until 2027-01-04T17:00:00Z"
            })
    void theFreezeAndTheBusinessHoursDecideInTheirTimeZone(String now, Outcome outcome, String message) {
        RuleResult result = at(BANK, now);
        assertEquals(outcome, result.outcome(), result.message());
        assertEquals(message, result.message());
    }

    @Test
    void theNextEdgeIsWhereAVerdictMayChangeWithoutAPush() {
        Rule rule = WindowRule.TYPE.create(BANK);
        assertEquals(
                Optional.of(Instant.parse("2026-12-17T17:00:00Z")),
                rule.nextChange(Instant.parse("2026-12-17T09:00:00Z")),
                "closing time");
        assertEquals(
                Optional.of(Instant.parse("2026-12-19T23:00:00Z")),
                rule.nextChange(Instant.parse("2026-12-19T11:00:00Z")),
                "the freeze's start, before Monday's opening");
        assertEquals(
                Optional.of(Instant.parse("2027-01-04T07:00:00Z")),
                rule.nextChange(Instant.parse("2027-01-03T23:00:00Z")),
                "the first opening after the freeze");
    }

    @Test
    void hoursOverMidnightBelongToTheDayTheyOpen() {
        WindowRule.Config night =
                new WindowRule.Config(null, new WindowRule.AllowConfig(List.of("Sat"), "22:00-06:00", "UTC"));
        assertEquals(Outcome.PASSED, at(night, "2026-12-19T23:00:00Z").outcome(), "Saturday 23:00");
        assertEquals(Outcome.PASSED, at(night, "2026-12-20T05:59:00Z").outcome(), "Sunday 05:59, Saturday's night");
        assertEquals(Outcome.FAILED, at(night, "2026-12-20T22:30:00Z").outcome(), "Sunday night is not Saturday's");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "2026-12-20T00:00 | 2026-12-19T00:00 | Europe/Berlin | Mon | 08:00-18:00 | freeze[0].to | '2026-12-19T00:00' is not after from ('2026-12-20T00:00')",
                "2026-12-20 | 2027-01-04T00:00 | Europe/Berlin | Mon | 08:00-18:00 | freeze[0].from | '2026-12-20' is not a local date and time as YYYY-MM-DDTHH:MM, e.g. 2026-12-20T00:00",
                "2026-12-20T00:00 | 2027-01-04T00:00 | Europe/Bern | Mon | 08:00-18:00 | freeze[0].timezone | 'Europe/Bern' is not a time zone; use a region such as Europe/Berlin, or UTC",
                "2026-12-20T00:00 | 2027-01-04T00:00 | UTC | Mo | 08:00-18:00 | allow.days[0] | 'Mo' is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun",
                "2026-12-20T00:00 | 2027-01-04T00:00 | UTC | Mon | 8-18 | allow.hours | '8-18' is not hours as HH:MM-HH:MM, e.g. 08:00-18:00",
                "2026-12-20T00:00 | 2027-01-04T00:00 | UTC | Mon | 25:00-26:00 | allow.hours | '25:00-26:00' is not hours as HH:MM-HH:MM, e.g. 08:00-18:00"
            })
    void aWindowThatCannotWorkIsRefusedAtItsField(
            String from, String to, String zone, String day, String hours, String field, String message) {
        WindowRule.Config config = new WindowRule.Config(
                List.of(new WindowRule.FreezeConfig(from, to, zone, null)),
                new WindowRule.AllowConfig(List.of(day), hours, zone));
        InvalidRuleException refused = assertThrows(InvalidRuleException.class, () -> WindowRule.TYPE.create(config));
        assertEquals(field, refused.field());
        assertEquals(message, refused.getMessage());
    }
}
