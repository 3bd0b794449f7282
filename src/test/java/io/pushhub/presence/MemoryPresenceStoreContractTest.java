package io.pushhub.presence;

/** The presence contract against {@link MemoryPresenceStore}: a cluster of one node, with no backend to lose. */
class MemoryPresenceStoreContractTest extends PresenceStoreContract {

    @Override
    protected PresenceStore newNode(String node, LocalConnections local, Departures departed) {
        return new MemoryPresenceStore(local, node);
    }

    @Override
    protected boolean sharesAcrossNodes() {
        return false;
    }

    @Override
    protected void crash(PresenceStore node) {
        throw new UnsupportedOperationException("a memory store is never part of a cluster");
    }

    @Override
    protected PresenceStore unreachableNode(String node, LocalConnections local) {
        return null;
    }
}
