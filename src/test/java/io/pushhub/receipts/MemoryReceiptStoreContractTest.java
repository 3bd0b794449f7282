package io.pushhub.receipts;

import java.time.Clock;

/** The receipt store contract against {@link MemoryReceiptStore}. */
class MemoryReceiptStoreContractTest extends ReceiptStoreContract {

    @Override
    protected ReceiptStore newStore(String node, int maxRecipients) {
        return new MemoryReceiptStore(RETENTION, 1000, maxRecipients, Clock.systemUTC());
    }

    @Override
    protected boolean sharedAcrossNodes() {
        return false;
    }
}
