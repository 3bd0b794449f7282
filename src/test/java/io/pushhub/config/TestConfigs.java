package io.pushhub.config;

import java.time.Duration;
import java.util.Optional;

/** {@link HubConfig} with its documented defaults, for unit tests outside a container. */
public final class TestConfigs {

    private TestConfigs() {}

    public static HubConfig defaults() {
        HubConfig c = new HubConfig();
        c.apiKeys = Optional.empty();
        c.publisherGroup = "publisher";
        c.anonymousAllowed = true;
        c.allowedOrigins = Optional.empty();
        c.maxFrameBytes = 65536;
        c.maxSubscriptions = 100;
        c.ratePerSecond = 50;
        c.rateBurst = 100;
        c.outboxMaxMessages = 1024;
        c.outboxMaxBytes = 4194304;
        c.outboxPolicy = "disconnect";
        c.deliveryThreads = 0;
        c.deliveryBatchMax = 64;
        c.deliveryBatchMaxBytes = 65536;
        c.deliveryWriteTimeout = Duration.ofSeconds(5);
        c.deliveryLivenessTimeout = Duration.ofSeconds(30);
        c.shutdownFlushTimeout = Duration.ofSeconds(1);
        c.outboxAnonymousMaxBytes = 268435456L;
        c.clientPublishTopics = "chat:*";
        c.presenceTopics = "chat:*";
        c.subscribeDenyTopics = "internal:*";
        c.timeEnabled = true;
        c.demoEnabled = true;
        c.demoSteps = 20;
        c.demoInterval = Duration.ofSeconds(1);
        c.demoMaxJobs = 100;
        c.scheduledMaxPending = 10000;
        c.scheduledMaxDelay = Duration.ofDays(30);
        return c;
    }

    public static HubConfig withAnonymous(boolean allowed) {
        HubConfig c = defaults();
        c.anonymousAllowed = allowed;
        return c;
    }
}
