package iru.application.tenant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import iru.domain.tenant.TenantLocation;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Credentials a tenant plane has verified against its regional database (a client secret, the active signer, an API
 * key), kept briefly so the next request with the same credential needs no database round trip. Only successes are
 * kept: a credential that fails is looked up again every time. Entries are dropped per tenant when
 * {@link CredentialChanges} hears of a change, and the time to live only bounds the damage of a notification lost
 * while the listener was reconnecting (a reconnect drops everything anyway).
 *
 * <p>A lookup that was under way when a change arrived must not put its (possibly stale) result into the cache after
 * the drop: every drop advances a generation, and a result is kept only if no drop happened since its lookup began.
 *
 * @param <K> what identifies the credential within a tenant; never the secret itself (use its SHA-256)
 * @param <V> what the verified credential yields (a client id, a signer, a key's metadata); never a secret
 */
public final class CredentialCache<K, V> {
    private record Entry<K>(UUID tenant, String slug, K key) {
    }

    private final Cache<Entry<K>, V> cache;
    private final Object drops = new Object();
    private long generation; // guarded by drops

    CredentialCache(Duration timeToLive, int maxEntries) {
        this.cache = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(timeToLive).build();
    }

    /**
     * The cached value for `key` in `tenant`, or else what `lookup` finds (kept if present and no drop intervened).
     * Exceptions of `lookup` reach the caller and nothing is kept.
     */
    public Optional<V> get(TenantLocation tenant, K key, Supplier<Optional<V>> lookup) {
        return get(tenant, key, value -> true, lookup);
    }

    /**
     * As {@link #get(TenantLocation, Object, Supplier)}, but a cached value that is no longer `current` (it changes by
     * time alone, e.g. a key set whose retiring key has expired) is looked up again and replaced.
     */
    public Optional<V> get(TenantLocation tenant, K key, Predicate<V> current, Supplier<Optional<V>> lookup) {
        Entry<K> entry = new Entry<>(tenant.id().value(), tenant.slug().value(), key);
        V cached = cache.getIfPresent(entry);
        if (cached != null && current.test(cached)) {
            return Optional.of(cached);
        }
        long started;
        synchronized (drops) {
            started = generation;
        }
        Optional<V> found = lookup.get();
        found.ifPresent(value -> {
            synchronized (drops) {
                if (generation == started) {
                    cache.put(entry, value);
                }
            }
        });
        return found;
    }

    void forgetTenant(UUID tenant) {
        forget(entry -> entry.tenant().equals(tenant));
    }

    void forgetSlug(String slug) {
        forget(entry -> entry.slug().equals(slug));
    }

    void forgetAll() {
        forget(entry -> true);
    }

    private void forget(Predicate<Entry<K>> which) {
        synchronized (drops) {
            generation++;
            cache.asMap().keySet().removeIf(which);
        }
    }

    /** A copy of what is cached now (keys and values), for inspection in tests and diagnostics. */
    public Map<Object, V> snapshot() {
        return Map.copyOf(cache.asMap());
    }
}
