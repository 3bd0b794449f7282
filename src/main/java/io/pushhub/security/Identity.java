package io.pushhub.security;

import java.util.Set;

/**
 * Who is on the other end of a connection or request.
 *
 * @param userId never null; {@code anon-...} for anonymous users
 * @param anonymous true when no token was presented
 * @param groups the JWT {@code groups} claim; empty for anonymous users
 * @param grants the token's topic claims ({@code pushhub.subscribe}, {@code pushhub.publish}); {@link
 *     TopicGrants#NONE} for anonymous users and tokens without them
 */
public record Identity(String userId, boolean anonymous, Set<String> groups, TopicGrants grants) {

    public Identity {
        grants = grants == null ? TopicGrants.NONE : grants;
    }

    /** An identity without topic claims. */
    public Identity(String userId, boolean anonymous, Set<String> groups) {
        this(userId, anonymous, groups, TopicGrants.NONE);
    }

    public static Identity anonymous(String userId) {
        return new Identity(userId, true, Set.of());
    }
}
