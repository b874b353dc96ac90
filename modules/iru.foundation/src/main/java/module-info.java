/**
 * Infrastructure every layer stands on: configuration, regional pools and the tenant router, migrations, telemetry,
 * structured logs, error capture, secrets and crypto. Knows nothing of tenants' business.
 */
module iru.foundation {
    requires transitive java.sql;
    requires transitive io.opentelemetry.api;
    requires transitive io.opentelemetry.context;
    requires transitive org.hibernate.orm.core;
    requires transitive jakarta.persistence;
    requires io.opentelemetry.sdk;
    requires io.opentelemetry.sdk.trace;
    requires transitive micrometer.core;
    requires micrometer.registry.prometheus;
    requires jdk.management; // GC notifications for Micrometer's JvmGcMetrics
    requires io.opentelemetry.sdk.common;
    requires io.opentelemetry.exporter.otlp;
    requires io.opentelemetry.exporter.sender.jdk.internal;
    requires io.opentelemetry.instrumentation.jdbc;
    requires io.helidon.config;
    requires io.helidon.config.yaml;
    requires com.zaxxer.hikari;
    requires com.github.benmanes.caffeine;
    requires org.postgresql.jdbc;
    requires flyway.core;
    requires flyway.database.postgresql;
    requires com.fasterxml.jackson.databind;
    requires sentry;
    requires software.amazon.awssdk.services.secretsmanager;
    requires software.amazon.awssdk.services.rds;
    requires transitive software.amazon.awssdk.auth;
    requires software.amazon.awssdk.identity.spi;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.urlconnection;

    exports iru.foundation.config;
    exports iru.foundation.database;
    exports iru.foundation.migration;
    exports iru.foundation.telemetry;
    exports iru.foundation.logging;
    exports iru.foundation.errors;
    exports iru.foundation.audit;
    exports iru.foundation.secrets;
    exports iru.foundation.crypto;
    exports iru.foundation.workers;
    exports iru.foundation.net;
}
