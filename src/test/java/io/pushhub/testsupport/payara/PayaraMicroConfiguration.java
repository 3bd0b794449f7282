package io.pushhub.testsupport.payara;

import org.jboss.arquillian.container.spi.ConfigurationException;
import org.jboss.arquillian.container.spi.client.container.ContainerConfiguration;

/**
 * Settings of {@link PayaraMicroContainer}, from {@code src/test/resources/arquillian-payara.xml} (which takes them from
 * the failsafe execution's system properties).
 */
public class PayaraMicroConfiguration implements ContainerConfiguration {

    private String microJar;
    private int httpPort;
    private String rootDir;
    private String settingsFile;
    private String logFile;
    private String redisPrefix;
    private String javaOptions = "";
    private int startTimeoutSeconds = 300;

    @Override
    public void validate() throws ConfigurationException {
        if (microJar == null || microJar.isBlank() || microJar.startsWith("$")) {
            throw new ConfigurationException("microJar (payara.jar) must name the Payara Micro jar; run with -Ppayara");
        }
        if (httpPort <= 0) {
            throw new ConfigurationException("httpPort (it.http.port) must be set");
        }
        if (settingsFile == null || settingsFile.isBlank()) {
            throw new ConfigurationException("settingsFile must name the Liberty test server's pushhub-it.xml");
        }
    }

    public String getMicroJar() {
        return microJar;
    }

    public void setMicroJar(String microJar) {
        this.microJar = microJar;
    }

    public int getHttpPort() {
        return httpPort;
    }

    public void setHttpPort(int httpPort) {
        this.httpPort = httpPort;
    }

    public String getRootDir() {
        return rootDir;
    }

    public void setRootDir(String rootDir) {
        this.rootDir = rootDir;
    }

    public String getSettingsFile() {
        return settingsFile;
    }

    public void setSettingsFile(String settingsFile) {
        this.settingsFile = settingsFile;
    }

    public String getLogFile() {
        return logFile;
    }

    public void setLogFile(String logFile) {
        this.logFile = logFile;
    }

    public String getRedisPrefix() {
        return redisPrefix;
    }

    public void setRedisPrefix(String redisPrefix) {
        this.redisPrefix = redisPrefix;
    }

    public String getJavaOptions() {
        return javaOptions;
    }

    public void setJavaOptions(String javaOptions) {
        this.javaOptions = javaOptions;
    }

    public int getStartTimeoutSeconds() {
        return startTimeoutSeconds;
    }

    public void setStartTimeoutSeconds(int startTimeoutSeconds) {
        this.startTimeoutSeconds = startTimeoutSeconds;
    }
}
