package iru.application.tenant;

import iru.domain.tenant.CredentialChangeNotices;
import iru.domain.tenant.TenantId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps every {@link CredentialCache} of this process honest. A use case that changes a credential announces it in
 * its transaction ({@link #announce}, delivered to every tenant plane at commit through
 * {@link CredentialChangeNotices#CHANNEL}) and, once committed, drops this instance's entries at once
 * ({@link #forget}) so the very next request here sees the change without waiting for the notification. The
 * listeners on the regional databases call {@link #onNotification}; the directory's listener calls
 * {@link #forgetSlug} (suspension, deletion); a (re)connected listener calls {@link #forgetAll}, since it cannot know
 * what it missed.
 */
public final class CredentialChanges {
    /** Per cache; 10 000 tenants' worth of verified clients and keys is a few megabytes. */
    private static final int MAX_ENTRIES = 100_000;

    private final Duration timeToLive;
    private final List<CredentialCache<?, ?>> caches = new CopyOnWriteArrayList<>();

    /**
     * @param timeToLive how long a verified credential is reused without asking the database; changes arrive by
     *                   notification, so this only bounds the damage of a lost one
     */
    public CredentialChanges(Duration timeToLive) {
        this.timeToLive = Objects.requireNonNull(timeToLive, "timeToLive");
        if (timeToLive.isNegative()) {
            throw new IllegalArgumentException("timeToLive must not be negative");
        }
    }

    /** A new cache that this object drops entries from on every change. */
    public <K, V> CredentialCache<K, V> newCache() {
        CredentialCache<K, V> cache = new CredentialCache<>(timeToLive, MAX_ENTRIES);
        caches.add(cache);
        return cache;
    }

    /** Inside the changing transaction: tells every tenant plane, at commit, to drop what it cached for `tenant`. */
    public void announce(Connection c, TenantId tenant) throws SQLException {
        CredentialChangeNotices.announce(c, tenant);
    }

    /** After the change committed: drops this instance's entries for `tenant` without waiting for the notice. */
    public void forget(TenantId tenant) {
        caches.forEach(cache -> cache.forgetTenant(tenant.value()));
    }

    /** A notice from a regional database; a payload that is not a tenant id drops everything rather than nothing. */
    public void onNotification(String payload) {
        UUID tenant;
        try {
            tenant = UUID.fromString(payload);
        } catch (IllegalArgumentException | NullPointerException e) {
            forgetAll();
            return;
        }
        caches.forEach(cache -> cache.forgetTenant(tenant));
    }

    /** The directory announced a change of this slug's tenant (suspended, resumed, deleted). */
    public void forgetSlug(String slug) {
        caches.forEach(cache -> cache.forgetSlug(slug));
    }

    public void forgetAll() {
        caches.forEach(CredentialCache::forgetAll);
    }

    /** Everything cached now, across caches, for inspection in tests and diagnostics. */
    public List<Map<Object, ?>> snapshot() {
        return caches.stream().<Map<Object, ?>>map(CredentialCache::snapshot).toList();
    }
}
