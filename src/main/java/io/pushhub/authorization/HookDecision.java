package io.pushhub.authorization;

import jakarta.json.JsonValue;

/**
 * The hook's answer, or what stands in for it when there was none.
 *
 * @param outcome what happened
 * @param allowed whether the command goes ahead: the backend's answer, or {@code pushhub.hook.on-failure} for a failure
 * @param reason the backend's reason for a denial, or what failed; null when allowed by the backend without one
 * @param data for publish: the data the backend wants published instead; null keeps the client's
 * @param info for connect: per-connection info the backend attached (sent in the welcome); null when none
 */
public record HookDecision(Outcome outcome, boolean allowed, String reason, JsonValue data, JsonValue info) {

    /** How a question ended; the lower-case name is the {@code outcome} label of the hook metrics. */
    public enum Outcome {
        /** The backend allowed. */
        ALLOW,
        /** The backend denied. */
        DENY,
        /** No answer within {@code pushhub.hook.timeout}. */
        TIMEOUT,
        /** The backend could not be reached, answered with a non-2xx status or with a body that is not an answer. */
        ERROR,
        /** Not asked: {@code pushhub.hook.max-in-flight} questions were already waiting. */
        OVERLOAD;

        /** Whether the backend did not decide (time-out, error, overload). */
        public boolean failure() {
            return this != ALLOW && this != DENY;
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static HookDecision allow(JsonValue data, JsonValue info) {
        return new HookDecision(Outcome.ALLOW, true, null, data, info);
    }

    public static HookDecision deny(String reason) {
        return new HookDecision(Outcome.DENY, false, reason, null, null);
    }

    /** A failure, allowed or denied as {@code pushhub.hook.on-failure} says. */
    static HookDecision failed(Outcome outcome, String why, boolean allowOnFailure) {
        return new HookDecision(outcome, allowOnFailure, why, null, null);
    }
}
