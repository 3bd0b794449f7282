package io.pushhub.api;

import io.pushhub.api.dto.AnyJson;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.security.SecuritySchemes;

/** The push API under {@code /api}. */
@ApplicationPath("/api")
@OpenAPIDefinition(
        info =
                @Info(
                        title = "pushhub API",
                        version = "0.1.0",
                        description =
                                "Push messages to WebSocket clients of the hub: to everyone, users, topics or single "
                                        + "connections, now or later. Every endpoint except /api/demo and /api/events "
                                        + "(the SSE transport, which identifies its caller as the WebSocket handshake does) needs "
                                        + "publisher credentials."),
        components = @Components(schemas = @Schema(name = AnyJson.NAME, description = AnyJson.DESCRIPTION)))
@SecuritySchemes({
    @SecurityScheme(
            securitySchemeName = "bearer",
            type = SecuritySchemeType.HTTP,
            scheme = "bearer",
            description = "An API key (pushhub.api-keys) or a JWT whose groups contain 'publisher'"),
    @SecurityScheme(
            securitySchemeName = "apiKey",
            type = SecuritySchemeType.APIKEY,
            in = SecuritySchemeIn.HEADER,
            apiKeyName = "X-API-Key",
            description = "An API key (pushhub.api-keys)")
})
public class RestApplication extends Application {}
