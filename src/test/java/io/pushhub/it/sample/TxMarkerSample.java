package io.pushhub.it.sample;

import io.pushhub.Pusher;
import io.pushhub.Target;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.json.Json;

/**
 * Pushes outside any transaction, even when called from inside one (the caller's transaction is suspended), and
 * in a transaction of its own ({@code REQUIRES_NEW}) that commits before the caller's.
 */
@Stateless
public class TxMarkerSample {

    @Inject
    Pusher pusher;

    /** A marker that goes out at once: the test sees when the transactional bean has made its push. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void now(String topic, String text) {
        pusher.push(Target.topic(topic), Json.createValue(text));
    }

    /** A push in a nested, independent transaction: delivered when this method's transaction commits. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void inOwnTransaction(String topic, String text) {
        pusher.push(Target.topic(topic), Json.createValue(text));
    }
}
