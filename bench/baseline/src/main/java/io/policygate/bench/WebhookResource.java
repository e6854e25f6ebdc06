package io.policygate.bench;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Reads the webhook and answers 202, nothing else: the ceiling of policy-gate's intake. Same shape as
 * policy-gate's resource (a blocking method taking the raw body), so both run on Quarkus' worker threads.
 */
@Path("/webhooks/gitlab")
public class WebhookResource {

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response accept(byte[] body) {
        return Response.accepted("{\"state\":\"queued\",\"bytes\":" + body.length + "}").build();
    }
}
