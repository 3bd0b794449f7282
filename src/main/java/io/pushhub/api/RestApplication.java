package io.pushhub.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.security.SecuritySchemes;

/** The push API under {@code /api}. */
@ApplicationPath("/api")
@OpenAPIDefinition(
        info = @Info(
                title = "pushhub API",
                version = "0.1.0",
                description = "Push messages to WebSocket clients of the hub: to everyone, users, topics or single "
                        + "connections, now or later. Every endpoint except /api/demo needs publisher credentials."))
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
            apiKeyName = "X-API-Key")
})
public class RestApplication extends Application {}
