package io.pushhub.api.dto;

/**
 * The OpenAPI schema of a {@code data} field: any JSON value (object, array, string, number, boolean or null), held
 * as a {@link jakarta.json.JsonValue} and written as that JSON. Declared once as a component schema in {@link
 * io.pushhub.api.RestApplication}; fields refer to it by {@link #REF}, so that the schema scanner does not describe
 * the JSON-P interface ({@code valueType}) instead.
 */
public final class AnyJson {

    /** Name of the component schema. */
    public static final String NAME = "AnyJson";

    /** What a field's {@code @Schema(ref = ...)} says. */
    public static final String REF = "#/components/schemas/" + NAME;

    public static final String DESCRIPTION = "Any JSON value: object, array, string, number, boolean or null";

    private AnyJson() {}
}
