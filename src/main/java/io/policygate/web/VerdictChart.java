package io.policygate.web;

import io.policygate.history.ComplianceOverview;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The overview's chart of verdicts per day, laid out on the server in SVG units: a bar per day (failed below,
 * passed on top), a value axis with a round scale and grid lines, a dated day axis (today and every seventh day
 * before it), and a legend of only the series that have a bar.
 */
public record VerdictChart(
        List<Bar> bars,
        List<Tick> ticks,
        List<DayLabel> dayLabels,
        List<String> legend,
        long scaleTop,
        String from,
        String to) {

    /** The drawing box (the SVG's viewBox); the page scales it, text included, to any width. */
    public static final int WIDTH = 720;

    public static final int HEIGHT = 260;
    public static final int LEFT = 56;
    public static final int RIGHT = 8;
    public static final int TOP = 12;
    /** The day axis: the bars stand on it, the dates below it. */
    public static final int BASE = HEIGHT - 36;

    private static final int PLOT = BASE - TOP;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMM d", Locale.ENGLISH);

    /** One day's bar: passed stacked on failed. */
    public record Bar(
            String day,
            long passed,
            long failed,
            int x,
            int width,
            int failedY,
            int failedHeight,
            int passedY,
            int passedHeight) {}

    /** A value on the scale, with its grid line's height. */
    public record Tick(long value, int y) {
        /** The value's baseline, so that it stands centred on its line. */
        public int labelY() {
            return y + 4;
        }
    }

    /** A date under the day axis, centred on its day's bar. */
    public record DayLabel(String label, int x) {}

    /** For the template: the plot's edges, so that axes and grid lines are drawn where the bars are. */
    public String viewBox() {
        return "0 0 " + WIDTH + " " + HEIGHT;
    }

    public int plotLeft() {
        return LEFT;
    }

    public int plotRight() {
        return WIDTH - RIGHT;
    }

    public int plotTop() {
        return TOP;
    }

    public int base() {
        return BASE;
    }

    /** Where the scale's values end, just left of the value axis. */
    public int scaleX() {
        return LEFT - 6;
    }

    /** The baseline of the dates under the day axis. */
    public int dayLabelY() {
        return BASE + 20;
    }

    public static VerdictChart of(List<ComplianceOverview.Day> days) {
        long busiest =
                days.stream().mapToLong(ComplianceOverview.Day::total).max().orElse(0);
        long step = step(busiest);
        long top = Math.max(step, (busiest + step - 1) / step * step);
        int slot = (WIDTH - LEFT - RIGHT) / days.size();
        List<Bar> bars = new ArrayList<>();
        List<DayLabel> labels = new ArrayList<>();
        long passed = 0;
        long failed = 0;
        for (int i = 0; i < days.size(); i++) {
            ComplianceOverview.Day day = days.get(i);
            int failedHeight = height(day.failed(), top);
            int passedHeight = height(day.passed(), top);
            int x = LEFT + i * slot;
            bars.add(new Bar(
                    day.day().toString(),
                    day.passed(),
                    day.failed(),
                    x + 2,
                    slot - 4,
                    BASE - failedHeight,
                    failedHeight,
                    BASE - failedHeight - passedHeight,
                    passedHeight));
            if ((days.size() - 1 - i) % 7 == 0) {
                labels.add(new DayLabel(DAY.format(day.day()), x + slot / 2));
            }
            passed += day.passed();
            failed += day.failed();
        }
        List<Tick> ticks = new ArrayList<>();
        for (long value = 0; value <= top; value += step) {
            ticks.add(new Tick(value, BASE - height(value, top)));
        }
        List<String> legend = new ArrayList<>();
        if (passed > 0) {
            legend.add("passed");
        }
        if (failed > 0) {
            legend.add("failed");
        }
        return new VerdictChart(
                bars,
                ticks,
                labels,
                legend,
                top,
                days.get(0).day().toString(),
                days.get(days.size() - 1).day().toString());
    }

    /** A round step (1, 2 or 5 times a power of ten) that divides the busiest day into at most four parts. */
    static long step(long busiest) {
        long step = 1;
        while (true) {
            for (long multiple : new long[] {1, 2, 5}) {
                if (step * multiple * 4 >= busiest) {
                    return step * multiple;
                }
            }
            step *= 10;
        }
    }

    private static int height(long value, long top) {
        return (int) Math.round((double) value * PLOT / top);
    }
}
