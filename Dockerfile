# Runtime image for either plane. Build the distribution first: `bash .ci/test` or `mvn -DskipTests package`.
# Runs as a non-root user; deploy with a read-only root filesystem, no-new-privileges and all capabilities dropped.
FROM eclipse-temurin:25-jre
RUN useradd --system --uid 10001 --no-create-home iru
COPY launcher/target/iru /opt/iru
USER 10001
ENV IRU_SECRETS=aws
EXPOSE 8080 8081
ENTRYPOINT ["/opt/iru/bin/iru"]
CMD ["--plane=tenant"]
