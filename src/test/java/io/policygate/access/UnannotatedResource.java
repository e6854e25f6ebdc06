package io.policygate.access;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * An endpoint someone added without saying who may call it, as a new one would be: part of the service only in
 * tests, where RolesTest shows that it is refused to every caller, whatever their roles. Hidden from the API
 * description, which describes the service as it ships.
 */
@Path("/api/v1/forgotten")
public class UnannotatedResource {

    @GET
    @Operation(hidden = true)
    public String forgotten() {
        return "nobody should read this";
    }
}
