package iru.foundation.database;

import iru.foundation.workers.AtOnce;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;

/**
 * Hibernate ORM for aggregates, over the connection of a routed transaction. The session factory owns no connections
 * and never reads the database at boot: every session is opened on the connection {@link TenantRegionRouter} handed
 * to the work, so row-level security, the tenant setting and the audit actor apply to what Hibernate writes.
 */
public final class OrmSessions implements AutoCloseable {
    private final CompletableFuture<SessionFactory> factory;

    private OrmSessions(CompletableFuture<SessionFactory> factory) {
        this.factory = factory;
    }

    /** Boots Hibernate on this thread. */
    public static OrmSessions create(List<Class<?>> entities) {
        return new OrmSessions(CompletableFuture.completedFuture(build(entities)));
    }

    /**
     * Boots Hibernate on a thread of its own, the longest step of a plane's start, so the start can wire its features
     * (which only hold this) meanwhile; {@link #awaitBooted} waits for it before the plane serves.
     */
    public static OrmSessions boot(List<Class<?>> entities) {
        CompletableFuture<SessionFactory> booting = new CompletableFuture<>();
        Thread.ofPlatform().name("iru-orm-boot").daemon().start(() -> {
            try {
                booting.complete(build(entities));
            } catch (Throwable failure) { // rethrown to whoever waits for the boot, see awaitBooted
                booting.completeExceptionally(failure);
            }
        });
        return new OrmSessions(booting);
    }

    private static SessionFactory build(List<Class<?>> entities) {
        Configuration configuration = new Configuration()
                // Named rather than detected: the factory never opens a connection of its own.
                .setProperty("jakarta.persistence.database-product-name", "PostgreSQL")
                .setProperty("jakarta.persistence.database-major-version", "15")
                .setProperty("hibernate.boot.allow_jdbc_metadata_access", "false")
                .setProperty("hibernate.connection.provider_class",
                        "org.hibernate.engine.jdbc.connections.internal.UserSuppliedConnectionProviderImpl")
                .setProperty("hibernate.hbm2ddl.auto", "none")
                .setProperty("hibernate.jdbc.time_zone", "UTC")
                // The router owns the transaction (autocommit off, commit or rollback around the work); Hibernate
                // only flushes into it, so it must not insist on a transaction of its own.
                .setProperty("hibernate.allow_update_outside_transaction", "true");
        entities.forEach(configuration::addAnnotatedClass);
        return configuration.buildSessionFactory();
    }

    /** Waits until Hibernate has booted; a failed boot is thrown here as it was thrown on the booting thread. */
    public OrmSessions awaitBooted() {
        factory();
        return this;
    }

    private SessionFactory factory() {
        return AtOnce.await(factory);
    }

    /** Runs `work` in a session on `connection`, flushing its changes into the caller's transaction. */
    public <T> T inSession(Connection connection, Function<Session, T> work) {
        try (Session session = factory().withOptions().connection(connection).openSession()) {
            T result = work.apply(session);
            session.flush();
            return result;
        }
    }

    /** Closes the session factory, at once or, while Hibernate still boots, as soon as it has booted. */
    @Override
    public void close() {
        factory.thenAccept(SessionFactory::close);
    }
}
