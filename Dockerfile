# pushhub on Open Liberty. Build the WAR first: mvn -DskipTests package
# Not buildable on the team's build machines (no Docker engine there); follows the Open Liberty image conventions.
FROM icr.io/appcafe/open-liberty:26.0.0.3-kernel-slim-java17-openj9-ubi-minimal

COPY --chown=1001:0 server.xml /config/server.xml
# Installs exactly the features server.xml lists. The WAR sets its context root "/" (WEB-INF/ibm-web-ext.xml).
RUN features.sh

COPY --chown=1001:0 target/pushhub.war /config/dropins/pushhub.war
# The dev default binds to 127.0.0.1; in a container listen on every interface.
ENV HTTP_HOST=*
# Set real credentials when running: -e PUSHHUB_API_KEYS=... and/or MP_JWT_VERIFY_PUBLICKEY_LOCATION=...
RUN configure.sh
EXPOSE 9080 9443
