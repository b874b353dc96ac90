# Runtime image for either plane: `docker build -t iru .`, then `docker run iru --plane=tenant` (or --plane=control).
# Stage 1 builds the distribution (launcher/target/iru: bin/, lib/ = the module path, runtime/ = the jlink runtime
# with only the JDK modules the product needs, sbom.cdx.json). Stage 2 is distroless: glibc and CA certificates, no
# shell, no package manager. Deploy with a read-only root filesystem and a tmpfs on /tmp (the only path written),
# no-new-privileges and all capabilities dropped. DockerfileTest guards the final stage.
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
# No AOT cache in the image yet: the build trains one only against a PostgreSQL (none in this stage), and a cache is
# valid only for the exact runtime and jars it was trained with, at their paths (/opt/iru here): training would have
# to run in this stage at /opt/iru with a database. The JVM starts without one.
RUN mvn -B -ntp -DskipTests -Diru.aot.skip=true -pl launcher -am package \
 && rm -f launcher/target/iru/iru.aot

FROM gcr.io/distroless/base-debian12:nonroot
# Files stay owned by root and are not writable by the runtime user.
COPY --from=build /src/launcher/target/iru /opt/iru
# The RDS CA bundle that IRU_DB_AUTH=iam verifies the database certificate against (IRU_DB_SSL_ROOT_CERT default).
ADD --chmod=0444 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /opt/iru/conf/rds-global-bundle.pem
# A fixed non-root user and group (distroless `nonroot`, 65532:65532); HOME is not writable.
USER 65532:65532
ENV IRU_SECRETS=aws
EXPOSE 8080 8081
# The JVM writes nothing but /tmp: no hsperfdata, temporary files and crash logs under /tmp, no CDS or AOT output.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/opt/iru/runtime/bin/java", "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=/tmp", \
       "-p", "/opt/iru/lib", "-m", "launcher", "healthcheck"]
ENTRYPOINT ["/opt/iru/runtime/bin/java", "-XX:-UsePerfData", "-Djava.io.tmpdir=/tmp", \
            "-XX:ErrorFile=/tmp/hs_err_pid%p.log", \
            "--add-modules", "org.jboss.logging,jakarta.xml.bind,org.glassfish.jaxb.runtime,net.bytebuddy,jakarta.transaction", \
            "-p", "/opt/iru/lib", "-m", "launcher"]
CMD ["--plane=tenant"]
