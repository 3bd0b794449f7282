package io.pushhub.hub;

import io.pushhub.Presence;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The {@link Presence} bean: the cluster's presence store, with this node's registry for what is local. */
@ApplicationScoped
public class HubPresence implements Presence {

    @Inject
    Hub hub;

    @Override
    public Snapshot topic(String topic) {
        return hub.presenceStore().topic(topic);
    }

    @Override
    public java.util.OptionalLong topicSequence(String topic) {
        return hub.hubEvents().ledger().topicSeq(topic);
    }

    @Override
    public java.util.OptionalLong userSequence(String userId) {
        return hub.hubEvents().ledger().userSeq(userId);
    }

    @Override
    public Snapshot user(String userId) {
        return hub.presenceStore().user(userId);
    }

    @Override
    public Snapshot connections(List<String> connectionIds) {
        return hub.presenceStore().connections(connectionIds);
    }

    @Override
    public List<String> unknownConnections(List<String> connectionIds) {
        ConnectionRegistry registry = hub.registry();
        List<String> notHere = new ArrayList<>();
        for (String id : connectionIds) {
            if (registry.find(id) == null) {
                notHere.add(id);
            }
        }
        if (notHere.isEmpty() || !hub.distributed()) {
            return notHere;
        }
        Snapshot found = connections(notHere);
        if (!found.complete()) {
            return List.of();
        }
        Set<String> elsewhere =
                found.entries().stream().map(Entry::connectionId).collect(Collectors.toSet());
        return notHere.stream().filter(id -> !elsewhere.contains(id)).toList();
    }
}
