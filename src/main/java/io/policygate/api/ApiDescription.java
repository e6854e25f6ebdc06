package io.policygate.api;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * What /q/openapi says about the whole service, above all how a caller authenticates, so that a client
 * generated from it sends the token. {@link #API_TOKEN} is required by every /api/v1 resource. SmallRye reads
 * {@code @OpenAPIDefinition} from the JAX-RS Application; this one adds no path and keeps every resource.
 */
@OpenAPIDefinition(
        info =
                @Info(
                        title = "policy-gate",
                        version = "1",
                        description =
                                "GitLab external status checks: webhook intake, evaluation history, policies, impact previews"),
        components =
                @Components(
                        securitySchemes = {
                            @SecurityScheme(
                                    securitySchemeName = ApiDescription.API_TOKEN,
                                    type = SecuritySchemeType.HTTP,
                                    scheme = "bearer",
                                    description =
                                            "Authorization: Bearer <an API token, policy-gate.api.tokens.<name>>; each operation needs the role docs/operations.md names (viewer, previewer, operator)"),
                            @SecurityScheme(
                                    securitySchemeName = ApiDescription.WEBHOOK_SIGNATURE,
                                    type = SecuritySchemeType.APIKEY,
                                    in = SecuritySchemeIn.HEADER,
                                    apiKeyName = "X-Gitlab-Signature",
                                    description =
                                            "HMAC-SHA256 of the body with policy-gate.webhook.secret, as GitLab 17.3+ signs"),
                            @SecurityScheme(
                                    securitySchemeName = ApiDescription.WEBHOOK_TOKEN,
                                    type = SecuritySchemeType.APIKEY,
                                    in = SecuritySchemeIn.HEADER,
                                    apiKeyName = "X-Gitlab-Token",
                                    description =
                                            "policy-gate.webhook.secret itself, as older GitLab versions send it"),
                            @SecurityScheme(
                                    securitySchemeName = ApiDescription.WEBHOOK_STANDARD,
                                    type = SecuritySchemeType.APIKEY,
                                    in = SecuritySchemeIn.HEADER,
                                    apiKeyName = "webhook-signature",
                                    description =
                                            "v1,<base64 HMAC-SHA256 of webhook-id.webhook-timestamp.body> with the key of"
                                                    + " policy-gate.webhook.signing-token (Standard Webhooks, GitLab's signed project webhooks);"
                                                    + " a webhook-id is accepted once, a timestamp more than 5 minutes off never")
                        }))
public class ApiDescription extends Application {

    public static final String API_TOKEN = "apiToken";
    public static final String WEBHOOK_SIGNATURE = "gitlabSignature";
    public static final String WEBHOOK_TOKEN = "gitlabToken";
    public static final String WEBHOOK_STANDARD = "standardWebhookSignature";
}
