package io.pushhub.testsupport.payara;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Registers {@link PayaraMicroContainer} as Arquillian's container, only in the Payara failsafe execution
 * ({@code -Ppayara} sets {@code it.container=payara} there and removes the Liberty adapter from its class path). In the
 * Liberty execution it registers nothing, so the Liberty adapter stays the only container.
 */
public class PayaraMicroExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        if ("payara".equals(System.getProperty("it.container"))) {
            builder.service(DeployableContainer.class, PayaraMicroContainer.class);
        }
    }
}
