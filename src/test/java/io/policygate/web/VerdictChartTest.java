package io.policygate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.history.ComplianceOverview;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictChartTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 12, 7);

    /** Thirty days ending today, with these passed and failed counts on the last days. */
    private static List<ComplianceOverview.Day> days(long[]... lastDays) {
        List<ComplianceOverview.Day> days = new ArrayList<>();
        for (int i = 29; i >= 0; i--) {
            int fromEnd = i;
            long[] counts = fromEnd < lastDays.length ? lastDays[lastDays.length - 1 - fromEnd] : new long[] {0, 0};
            days.add(new ComplianceOverview.Day(TODAY.minusDays(i), counts[0], counts[1], 0, 0));
        }
        return days;
    }

    @Test
    void theScaleIsRoundAndReachesTheBusiestDay() {
        assertEquals(1, VerdictChart.step(0));
        assertEquals(1, VerdictChart.step(3));
        assertEquals(2, VerdictChart.step(7));
        assertEquals(50, VerdictChart.step(183));

        VerdictChart chart = VerdictChart.of(days(new long[] {120, 63}));
        assertEquals(200, chart.scaleTop());
        assertEquals(
                List.of(0L, 50L, 100L, 150L, 200L),
                chart.ticks().stream().map(VerdictChart.Tick::value).toList());
        assertEquals(VerdictChart.BASE, chart.ticks().get(0).y());
        assertEquals(VerdictChart.TOP, chart.ticks().get(4).y(), "the top of the scale is the top of the plot");
        VerdictChart.Bar today = chart.bars().get(29);
        assertEquals(VerdictChart.BASE, today.failedY() + today.failedHeight(), "failed stands on the day axis");
        assertEquals(today.failedY(), today.passedY() + today.passedHeight(), "passed stands on failed");
        assertEquals(
                183.0 / 200,
                (double) (VerdictChart.BASE - today.passedY()) / (VerdictChart.BASE - VerdictChart.TOP),
                0.01);
    }

    @Test
    void theDayAxisIsDatedFromTodayBackByWeeks() {
        VerdictChart chart = VerdictChart.of(days(new long[] {1, 0}));
        assertEquals(
                List.of("Nov 9", "Nov 16", "Nov 23", "Nov 30", "Dec 7"),
                chart.dayLabels().stream().map(VerdictChart.DayLabel::label).toList());
        VerdictChart.Bar last = chart.bars().get(29);
        assertEquals(last.x() + last.width() / 2, chart.dayLabels().get(4).x(), 1, "centred under today's bar");
        assertEquals("2026-11-08", chart.from());
        assertEquals("2026-12-07", chart.to());
    }

    @Test
    void theLegendNamesOnlyWhatIsDrawn() {
        assertEquals(List.of("passed"), VerdictChart.of(days(new long[] {3, 0})).legend());
        assertEquals(List.of("failed"), VerdictChart.of(days(new long[] {0, 2})).legend());
        assertEquals(
                List.of("passed", "failed"),
                VerdictChart.of(days(new long[] {1, 1})).legend());
        VerdictChart empty = VerdictChart.of(days());
        assertTrue(empty.legend().isEmpty());
        assertTrue(empty.bars().stream().allMatch(b -> b.passedHeight() == 0 && b.failedHeight() == 0));
    }
}
