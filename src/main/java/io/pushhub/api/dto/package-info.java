/**
 * The REST API's wire format: one record per JSON answer of {@code /api}, written by JSON-B (Yasson on Open Liberty
 * and on Payara), and described by {@code /openapi} from these same types so that client generators get exact
 * schemas. Field order is fixed with {@code @JsonbPropertyOrder} (JSON-B would otherwise sort names); fields that are
 * null are left out ({@code @JsonbNillable(false)}, also JSON-B's default). The error body is
 * {@link io.pushhub.problem.ApiError}, shared with the authentication filter and the transports.
 *
 * <p>These are not the Java API ({@code io.pushhub}): they may change with the REST API's version, and they carry
 * only what the JSON carries.
 */
@JsonbNillable(false)
package io.pushhub.api.dto;

import jakarta.json.bind.annotation.JsonbNillable;
