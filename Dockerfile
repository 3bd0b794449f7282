# pushhub as a container image, built from source:
#   docker build -t pushhub . && docker run -p 9080:9080 -e PUSHHUB_API_KEYS=... pushhub
# Stage 1 runs the README's build (mvn package, tests skipped: they need a real Liberty, Chromium and Redis, and run
# in CI); stage 2 runs the runnable jar that build makes (target/pushhub.jar: Open Liberty, server.xml, the WAR) on a
# JRE.
# DockerfileTest checks these commands against the README and the pom; RunnableJarIT tests the jar itself.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The Liberty runtime (~350 MB) and the plugins come from Maven Central once; this layer is reused while pom.xml is
# unchanged.
COPY pom.xml ./
RUN mvn -B -q liberty:install-server
COPY server.xml ./
COPY src ./src
# The Java client library's sources are compiled with the test sources (build-helper), which -DskipTests still compiles.
COPY clients ./clients
RUN mvn -B -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 1001 --gid 0 --home-dir /opt/pushhub --create-home pushhub
COPY --from=build --chown=1001:0 /src/target/pushhub.jar /opt/pushhub/pushhub.jar
USER 1001
WORKDIR /opt/pushhub
# The jar unpacks Liberty into a directory of its own under this root at every start and deletes it (but its logs) when
# it stops; the logs go to stdout as well.
ENV WLP_JAR_EXTRACT_ROOT=/tmp
# The dev default binds to 127.0.0.1; in a container listen on every interface.
ENV HTTP_HOST=*
# Set real credentials when running: -e PUSHHUB_API_KEYS=... and/or -e MP_JWT_VERIFY_PUBLICKEY_LOCATION=...; turn the
# demo endpoint off in production with -e PUSHHUB_DEMO_ENABLED=false.
EXPOSE 9080 9443
# exec form: java is PID 1 and gets docker stop's SIGTERM, so Liberty drains the clients (close 1001) before it stops.
ENTRYPOINT ["java", "-jar", "/opt/pushhub/pushhub.jar"]
