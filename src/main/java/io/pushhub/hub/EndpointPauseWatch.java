package io.pushhub.hub;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Drains the node (close 1001 to every client, see {@link Hub#drain}) as soon as Open Liberty pauses its endpoints:
 * at the start of {@code server stop}, or when an operator pauses them ({@code server pause}) to take the node out of
 * rotation.
 *
 * <p>Why: Liberty 26 stops applications only after its quiesce, and during the quiesce it waits for open connections
 * (up to {@code channelfw chainQuiesceTimeout}) and then cuts them: the application's own shutdown comes too late to
 * say goodbye. The first thing the quiesce does is pause the endpoints, which Liberty's public {@code
 * ServerEndpointControl} MBean reports ({@code Paused}). This polls that attribute in-process every {@value
 * #POLL_MILLIS} ms on one daemon thread. On other containers (Payara) the MBean does not exist, the watch ends at
 * once, and the application's shutdown ({@code @BeforeDestroyed}) drains the node. See ADR 0006.
 */
@ApplicationScoped
public class EndpointPauseWatch {

    private static final Logger LOG = Logger.getLogger(EndpointPauseWatch.class.getName());
    static final String MBEAN = "WebSphere:feature=kernel,name=ServerEndpointControl";
    static final long POLL_MILLIS = 200;

    @Inject
    Hub hub;

    private volatile Thread thread;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName name;
        try {
            name = new ObjectName(MBEAN);
            if (!mbs.isRegistered(name)) {
                LOG.fine("no " + MBEAN + " (not Open Liberty): the node drains when the application stops");
                return;
            }
        } catch (Exception e) {
            return;
        }
        // A plain daemon thread: a managed one would count as work the server's quiesce waits for.
        Thread t = new Thread(() -> watch(mbs, name), "pushhub-endpoint-pause-watch");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @PreDestroy
    void stop() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    private void watch(MBeanServer mbs, ObjectName name) {
        boolean seenRunning = false;
        boolean drained = false;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(POLL_MILLIS);
                boolean paused;
                try {
                    paused = Boolean.TRUE.equals(mbs.getAttribute(name, "Paused"));
                } catch (Exception e) {
                    LOG.log(Level.FINE, "cannot read " + MBEAN + "; no longer watching", e);
                    return;
                }
                if (!paused) {
                    seenRunning = true; // never act on the paused state of a server that is still starting
                    drained = false;
                } else if (seenRunning && !drained) {
                    drained = true;
                    LOG.info("pushhub: the server's endpoints are paused (server stop or pause): telling every client"
                            + " to reconnect elsewhere");
                    hub.drain("server endpoints paused (stopping or draining)");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
