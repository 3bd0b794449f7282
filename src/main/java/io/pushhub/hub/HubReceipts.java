package io.pushhub.hub;

import io.pushhub.DeliveryReceipts;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** The {@link DeliveryReceipts} bean: the receipt store of the hub (Redis: the cluster's; memory: this node's). */
@ApplicationScoped
public class HubReceipts implements DeliveryReceipts {

    @Inject
    Hub hub;

    @Override
    public CompletionStage<Optional<Sheet>> of(String messageId) {
        return hub.receiptsOf(messageId);
    }
}
