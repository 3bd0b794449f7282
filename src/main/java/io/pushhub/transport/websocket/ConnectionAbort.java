package io.pushhub.transport.websocket;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drops a WebSocket's TCP connection at once, without the closing handshake, for a client that stopped reading.
 *
 * <p>Why: {@code Session.close()} writes a close frame and then waits for the client's reply. To a client that reads
 * nothing, Open Liberty 26 tries the close frame for 5.5 s and, when the frame still fits in the socket buffers, waits
 * 30 s more for a reply that never comes: the socket stays open for up to ~36 s per client. The Jakarta WebSocket API
 * has no abort, so on Open Liberty this finds the session's connection link ({@code WsocConnLink}) and calls its public
 * {@code closeUsingSession(reason, false, true)}, which closes the TCP connection ("right to the device link"). The
 * link is found by a bounded walk of the session's fields, once per session class. On any other container (Payara's
 * Tyrus) or if Liberty's internals change, {@link #abort} returns false and the caller falls back to {@code
 * Session.close()}. See ADR 0006.
 */
final class ConnectionAbort {

    private static final Logger LOG = Logger.getLogger(ConnectionAbort.class.getName());
    private static final String LINK_CLASS = "WsocConnLink";
    private static final int MAX_DEPTH = 3;
    private static volatile boolean disabled;
    private static volatile boolean loggedOnce;

    private ConnectionAbort() {}

    /** Closes the session's TCP connection now. @return false when this container offers no way to (fallback: close). */
    static boolean abort(Session session, CloseReason reason) {
        if (disabled) {
            return false;
        }
        try {
            Object link = find(session);
            if (link == null) {
                disable("no " + LINK_CLASS + " behind " + session.getClass().getName());
                return false;
            }
            Method m = link.getClass().getMethod("closeUsingSession", CloseReason.class, boolean.class, boolean.class);
            m.invoke(link, reason, false, true);
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            disable(e.toString());
            return false;
        }
    }

    private static void disable(String why) {
        disabled = true;
        if (!loggedOnce) {
            loggedOnce = true;
            LOG.log(
                    Level.INFO,
                    "pushhub: this container offers no abortive close for WebSocket connections (" + why
                            + "); clients that stop reading are closed with the regular closing handshake instead");
        }
    }

    /** Breadth-first over instance fields, at most {@value #MAX_DEPTH} levels deep, for the connection link. */
    private static Object find(Object root) throws IllegalAccessException {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object[]> queue = new ArrayDeque<>();
        queue.add(new Object[] {root, 0});
        while (!queue.isEmpty()) {
            Object[] next = queue.poll();
            Object o = next[0];
            int depth = (Integer) next[1];
            if (o == null || !seen.add(o)) {
                continue;
            }
            if (o.getClass().getSimpleName().equals(LINK_CLASS)) {
                return o;
            }
            if (depth >= MAX_DEPTH
                    || !o.getClass().getName().startsWith("com.ibm.ws.wsoc")
                            && !o.getClass().getName().startsWith("io.openliberty.wsoc")
                            && depth > 0) {
                continue;
            }
            for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers())
                            || f.getType().isPrimitive()
                            || f.getType().isArray()) {
                        continue;
                    }
                    String type = f.getType().getName();
                    if (type.startsWith("java.")
                            || type.startsWith("jakarta.") && !type.equals("jakarta.websocket.Session")) {
                        continue;
                    }
                    try {
                        f.setAccessible(true);
                    } catch (RuntimeException e) {
                        continue;
                    }
                    queue.add(new Object[] {f.get(o), depth + 1});
                }
            }
        }
        return null;
    }
}
