package io.pushhub.security;

import java.util.Set;

/**
 * Who is on the other end of a connection or request.
 *
 * @param userId never null; {@code anon-...} for anonymous users
 * @param anonymous true when no token was presented
 * @param groups the JWT {@code groups} claim; empty for anonymous users
 */
public record Identity(String userId, boolean anonymous, Set<String> groups) {

    public static Identity anonymous(String userId) {
        return new Identity(userId, true, Set.of());
    }
}
