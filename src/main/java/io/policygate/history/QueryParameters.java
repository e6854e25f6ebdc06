package io.policygate.history;

import io.policygate.problem.ProblemException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** The request parameters the history, the export and the merges share, each refused with a 400 naming it. */
final class QueryParameters {

    private QueryParameters() {}

    /** A positive whole number. */
    static long positive(String parameter, String value) {
        try {
            long number = Long.parseLong(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw badParameter(parameter, "must be a positive whole number");
    }

    /** A day (2026-12-01: from its start, or with {@code endOfDay} up to its end, UTC) or an instant. */
    static Instant instant(String parameter, String text, boolean endOfDay) {
        String t = text.trim();
        try {
            if (t.length() == 10) {
                LocalDate day = LocalDate.parse(t);
                return (endOfDay ? day.plusDays(1) : day)
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant();
            }
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw badParameter(
                    parameter, "must be a day (2026-12-01) or an instant (2026-12-01T08:00:00Z), not '" + text + "'");
        }
    }

    /** true or false; null when absent. */
    static Boolean bool(String parameter, String value) {
        if (value == null) {
            return null;
        }
        if (!value.equals("true") && !value.equals("false")) {
            throw badParameter(parameter, "must be true or false");
        }
        return Boolean.valueOf(value);
    }

    static ProblemException badParameter(String parameter, String message) {
        return new ProblemException(400, "invalid-parameter", "Bad Request", parameter + " " + message, parameter);
    }
}
