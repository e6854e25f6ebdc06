package io.policygate.web;

import io.policygate.access.Roles;
import io.policygate.history.ComplianceOverview;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * The compliance overview (/overview): verdicts per day as a chart drawn on the server (SVG, no script), the
 * rules that fail most and the forged statuses caught, readable on a phone.
 */
@RolesAllowed(Roles.VIEWER)
@Path("/overview")
@Produces(MediaType.TEXT_HTML)
public class OverviewPagesResource {

    /** The chart's drawing box (its viewBox); the page scales it to any width. */
    static final int WIDTH = 600;

    static final int HEIGHT = 200;
    private static final int PLOT = 170;

    /** One day's bar: passed stacked on failed, in viewBox units. */
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

    public record OverviewPage(ComplianceOverview.Overview overview, List<Bar> bars, long busiestDay) {}

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance overview(OverviewPage page);
    }

    private final ComplianceOverview overviews;

    @Inject
    public OverviewPagesResource(ComplianceOverview overviews) {
        this.overviews = overviews;
    }

    @GET
    public Response overview() {
        ComplianceOverview.Overview overview = overviews.overview();
        long max = Math.max(
                1,
                overview.days().stream()
                        .mapToLong(ComplianceOverview.Day::total)
                        .max()
                        .orElse(0));
        int slot = WIDTH / overview.days().size();
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < overview.days().size(); i++) {
            ComplianceOverview.Day day = overview.days().get(i);
            int failedHeight = (int) Math.round((double) day.failed() * PLOT / max);
            int passedHeight = (int) Math.round((double) day.passed() * PLOT / max);
            int base = HEIGHT - 10;
            bars.add(new Bar(
                    day.day().toString(),
                    day.passed(),
                    day.failed(),
                    i * slot + 2,
                    slot - 4,
                    base - failedHeight,
                    failedHeight,
                    base - failedHeight - passedHeight,
                    passedHeight));
        }
        return PagesResource.html(200, Templates.overview(new OverviewPage(overview, bars, max)));
    }
}
