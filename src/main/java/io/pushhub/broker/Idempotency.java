package io.pushhub.broker;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Types of the broker's idempotency claims ({@link Broker#publishClaimed}, {@link Broker#claim}). */
public final class Idempotency {

    private Idempotency() {}

    /**
     * A claim on an idempotency key: the first claim within {@code window} stores {@code value}; a later one gets that
     * value back instead.
     *
     * @param key the client's idempotency key (validated by {@link io.pushhub.Push#idempotencyKeyProblem})
     * @param value what a repeat is answered with (the first push's message id, or a scheduled push's ids)
     * @param window how long the key is held, at least 1 ms
     */
    public record Claim(String key, String value, Duration window) {
        public Claim {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (window.toMillis() < 1) {
                throw new IllegalArgumentException("an idempotency window is at least 1 ms, got " + window);
            }
        }
    }

    /**
     * The outcome of {@link Broker#publishClaimed}: either the key was claimed and the publications were handed over
     * ({@code firstValue} null, {@code published} with the offsets and epochs history topics got), or the key was held
     * already ({@code firstValue} the value of the first claim, nothing published).
     */
    public record Claimed(String firstValue, List<Publication> published) {
        public Claimed {
            published = List.copyOf(published);
        }

        public boolean duplicate() {
            return firstValue != null;
        }

        static Claimed first(List<Publication> published) {
            return new Claimed(null, published);
        }

        static Claimed repeat(String firstValue) {
            return new Claimed(firstValue, List.of());
        }
    }
}
