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

/**
 * The compliance overview (/overview): verdicts per day as a chart drawn on the server (SVG, no script), the
 * rules that fail most and the forged statuses caught, readable on a phone.
 */
@RolesAllowed(Roles.VIEWER)
@Path("/overview")
@Produces(MediaType.TEXT_HTML)
public class OverviewPagesResource {

    public record OverviewPage(ComplianceOverview.Overview overview, VerdictChart chart) {}

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
        return PagesResource.html(
                200, Templates.overview(new OverviewPage(overview, VerdictChart.of(overview.days()))));
    }
}
