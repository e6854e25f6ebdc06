package io.policygate.policy.rules;

import io.policygate.policy.Evidence;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * When changes may go in: no merges during a freeze, and, when {@code allow} is given, only on its days and hours.
 * Judged against the evaluation's time ({@link RuleContext#now()}); every edge of a window is a moment the result may
 * change though the merge request did not ({@link #nextChange}), at which policy-gate judges open merge requests again.
 */
final class WindowRule implements Rule {

    static final RuleType<Config> TYPE = new RuleType<>("window", Config.class, WindowRule::new);

    private static final Pattern HOURS = Pattern.compile("(\\d{2}:\\d{2})-(\\d{2}:\\d{2})");
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    /** How far ahead an allowed window's next opening or closing is looked for: a week holds every day of one. */
    private static final int DAYS_AHEAD = 8;

    /**
     * @param freeze periods without merges
     * @param allow when merges may happen, if only at some times
     */
    record Config(List<FreezeConfig> freeze, AllowConfig allow) {}

    /** {@code from} and {@code to} as local date-times (2026-12-20T00:00) in {@code timezone} (default UTC). */
    record FreezeConfig(String from, String to, String timezone, String reason) {}

    /** {@code days} as Mon…Sun, {@code hours} as HH:MM-HH:MM, in {@code timezone} (default UTC). */
    record AllowConfig(List<String> days, String hours, String timezone) {}

    private record Freeze(ZonedDateTime from, ZonedDateTime to, String reason) {
        boolean holds(Instant now) {
            return !now.isBefore(from.toInstant()) && now.isBefore(to.toInstant());
        }

        String describe() {
            return (reason == null ? "freeze" : reason) + " (" + SHOWN.format(from) + " to " + SHOWN.format(to) + " "
                    + from.getZone() + ")";
        }
    }

    /**
     * Days and hours: a window that closes before it opens (22:00-06:00) runs over midnight, into the next day, and
     * belongs to the day it opens on.
     */
    private record Allow(Set<DayOfWeek> days, LocalTime opens, LocalTime closes, ZoneId zone) {
        boolean holds(Instant now) {
            return windows(now.minus(Duration.ofDays(2))).stream()
                    .anyMatch(w -> !now.isBefore(w[0]) && now.isBefore(w[1]));
        }

        /** Each window from the day before {@code after} on, for {@link #DAYS_AHEAD} days: {opening, closing}. */
        private List<Instant[]> windows(Instant after) {
            List<Instant[]> windows = new ArrayList<>();
            ZonedDateTime day = after.atZone(zone).toLocalDate().atStartOfDay(zone);
            for (int i = 0; i < DAYS_AHEAD; i++, day = day.plusDays(1)) {
                if (days.contains(day.getDayOfWeek())) {
                    ZonedDateTime closing = closes.isAfter(opens)
                            ? day.with(closes)
                            : day.plusDays(1).with(closes);
                    windows.add(new Instant[] {day.with(opens).toInstant(), closing.toInstant()});
                }
            }
            return windows;
        }

        /** Every opening and closing of the windows around {@code after}. */
        List<Instant> edges(Instant after) {
            List<Instant> edges = new ArrayList<>();
            windows(after.minus(Duration.ofDays(1))).forEach(w -> {
                edges.add(w[0]);
                edges.add(w[1]);
            });
            return edges;
        }

        /** The first opening or closing after {@code after}. */
        Optional<Instant> nextEdge(Instant after) {
            return edges(after).stream().filter(edge -> edge.isAfter(after)).min(Instant::compareTo);
        }

        String describe() {
            return days.stream()
                            .map(d -> d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH))
                            .collect(Collectors.joining(", "))
                    + " " + opens + "-" + (closes.equals(LocalTime.MAX) ? "24:00" : closes.toString()) + " " + zone;
        }
    }

    private final List<Freeze> freezes;
    private final Optional<Allow> allow;

    private WindowRule(Config config) {
        List<FreezeConfig> freeze = config.freeze() == null ? List.of() : config.freeze();
        if (freeze.isEmpty() && config.allow() == null) {
            throw new InvalidRuleException("freeze", "set freeze, allow or both");
        }
        List<Freeze> freezes = new ArrayList<>();
        for (int i = 0; i < freeze.size(); i++) {
            freezes.add(freeze(freeze.get(i), "freeze[" + i + "]"));
        }
        this.freezes = List.copyOf(freezes);
        this.allow = Optional.ofNullable(config.allow()).map(WindowRule::allow);
    }

    private static Freeze freeze(FreezeConfig config, String field) {
        if (config == null) {
            throw new InvalidRuleException(field, "a freeze needs from and to");
        }
        ZoneId zone = zone(config.timezone(), field + ".timezone");
        ZonedDateTime from = dateTime(config.from(), field + ".from").atZone(zone);
        ZonedDateTime to = dateTime(config.to(), field + ".to").atZone(zone);
        if (!to.isAfter(from)) {
            throw new InvalidRuleException(
                    field + ".to", "'" + config.to() + "' is not after from ('" + config.from() + "')");
        }
        return new Freeze(from, to, config.reason());
    }

    private static Allow allow(AllowConfig config) {
        ZoneId zone = zone(config.timezone(), "allow.timezone");
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        List<String> named = config.days() == null ? List.of() : config.days();
        for (int i = 0; i < named.size(); i++) {
            days.add(day(named.get(i), "allow.days[" + i + "]"));
        }
        if (days.isEmpty() && config.days() != null) {
            throw new InvalidRuleException("allow.days", "name at least one day, or leave days out for every day");
        }
        if (config.days() == null) {
            days = EnumSet.allOf(DayOfWeek.class);
        }
        LocalTime opens = LocalTime.MIN;
        LocalTime closes = LocalTime.MAX;
        if (config.hours() != null) {
            Matcher hours = HOURS.matcher(config.hours().replace(" ", ""));
            try {
                if (!hours.matches()) {
                    throw new DateTimeParseException("", config.hours(), 0);
                }
                opens = LocalTime.parse(hours.group(1));
                closes = hours.group(2).equals("24:00") ? LocalTime.MAX : LocalTime.parse(hours.group(2));
            } catch (DateTimeParseException e) {
                throw new InvalidRuleException(
                        "allow.hours", "'" + config.hours() + "' is not hours as HH:MM-HH:MM, e.g. 08:00-18:00");
            }
            if (closes.equals(opens)) {
                throw new InvalidRuleException(
                        "allow.hours", "'" + config.hours() + "' is empty: it ends when it starts");
            }
        }
        return new Allow(days, opens, closes, zone);
    }

    private static ZoneId zone(String name, String field) {
        if (name == null) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(name);
        } catch (DateTimeException e) {
            throw new InvalidRuleException(
                    field, "'" + name + "' is not a time zone; use a region such as Europe/Berlin, or UTC");
        }
    }

    private static LocalDateTime dateTime(String text, String field) {
        if (text == null) {
            throw new InvalidRuleException(field, "is required: a local date and time, e.g. 2026-12-20T00:00");
        }
        try {
            return LocalDateTime.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidRuleException(
                    field, "'" + text + "' is not a local date and time as YYYY-MM-DDTHH:MM, e.g. 2026-12-20T00:00");
        }
    }

    private static DayOfWeek day(String name, String field) {
        for (DayOfWeek day : DayOfWeek.values()) {
            if (day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).equalsIgnoreCase(name)
                    || day.getDisplayName(TextStyle.FULL, Locale.ENGLISH).equalsIgnoreCase(name)) {
                return day;
            }
        }
        throw new InvalidRuleException(field, "'" + name + "' is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun");
    }

    @Override
    public RuleResult evaluate(RuleContext context) {
        Instant now = context.now();
        Map<String, Object> seen = new LinkedHashMap<>();
        seen.put("now", now.toString());
        String expected = expected();
        Optional<Freeze> freeze = freezes.stream().filter(f -> f.holds(now)).findFirst();
        if (freeze.isPresent()) {
            seen.put("freeze", freeze.get().describe());
            seen.put("ends", freeze.get().to().toInstant().toString());
            return RuleResult.failed(
                    TYPE.name(),
                    "no merges during " + freeze.get().describe() + "; it ends "
                            + SHOWN.format(freeze.get().to()) + " "
                            + freeze.get().to().getZone(),
                    new Evidence(seen, expected));
        }
        if (allow.isPresent() && !allow.get().holds(now)) {
            Optional<Instant> opens = allow.get().nextEdge(now);
            seen.put("allowed", allow.get().describe());
            opens.ifPresent(at -> seen.put("opens", at.toString()));
            return RuleResult.failed(
                    TYPE.name(),
                    "merges only " + allow.get().describe() + "; now is "
                            + SHOWN.format(now.atZone(allow.get().zone())) + " there"
                            + opens.map(at -> ", next allowed from "
                                            + SHOWN.format(at.atZone(allow.get().zone())))
                                    .orElse(""),
                    new Evidence(seen, expected));
        }
        Optional<Instant> until = nextChange(now);
        until.ifPresent(at -> seen.put("until", at.toString()));
        return RuleResult.passed(
                TYPE.name(),
                "within the change window" + until.map(at -> " until " + at).orElse(""),
                new Evidence(seen, expected));
    }

    private String expected() {
        List<String> parts = new ArrayList<>();
        if (!freezes.isEmpty()) {
            parts.add("no freeze: " + freezes.stream().map(Freeze::describe).collect(Collectors.joining("; ")));
        }
        allow.ifPresent(a -> parts.add("within " + a.describe()));
        return String.join(", and ", parts);
    }

    /** The first edge of a freeze or of the allowed hours after {@code after}: where the result may change. */
    @Override
    public Optional<Instant> nextChange(Instant after) {
        List<Instant> edges = new ArrayList<>();
        freezes.forEach(f -> {
            edges.add(f.from().toInstant());
            edges.add(f.to().toInstant());
        });
        allow.ifPresent(a -> edges.addAll(a.edges(after)));
        return edges.stream().filter(edge -> edge.isAfter(after)).min(Instant::compareTo);
    }
}
