package iru.application.tenant;

import iru.domain.tenant.TenantDirectory;
import iru.domain.tenant.TenantLocation;
import iru.domain.tenant.TenantSlug;
import iru.foundation.database.TenantRegionRouter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves `/t/{slug}/…` to the tenant's id and region through the directory, with a bounded cache in front. The
 * cache holds live tenants only (a tenant created a moment ago is never answered with a cached miss), expires entries
 * after a short time, and is invalidated on deletion by the directory's change notifications.
 */
public final class TenantResolver {
    private final TenantRegionRouter router;
    private final TenantDirectory directory;
    private final int maxEntries;
    private final Duration timeToLive;
    private final Clock clock;
    private final Map<String, Cached> cache;

    private record Cached(TenantLocation location, Instant expires) {
    }

    public TenantResolver(TenantRegionRouter router, TenantDirectory directory, int maxEntries, Duration timeToLive,
            Clock clock) {
        this.router = router;
        this.directory = directory;
        this.maxEntries = maxEntries;
        this.timeToLive = timeToLive;
        this.clock = clock;
        this.cache = new LinkedHashMap<>(64, 0.75f, true);
    }

    public Optional<TenantLocation> resolve(String rawSlug) {
        Instant now = clock.instant();
        synchronized (cache) {
            Cached hit = cache.get(rawSlug);
            if (hit != null && hit.expires().isAfter(now)) {
                return Optional.of(hit.location());
            }
        }
        TenantSlug slug;
        try {
            slug = new TenantSlug(rawSlug);
        } catch (RuntimeException notASlug) {
            return Optional.empty();
        }
        Optional<TenantLocation> found = router.inDirectoryTransaction(c -> directory.findActiveBySlug(c, slug));
        found.ifPresent(location -> {
            synchronized (cache) {
                cache.put(rawSlug, new Cached(location, now.plus(timeToLive)));
                if (cache.size() > maxEntries) {
                    cache.remove(cache.keySet().iterator().next());
                }
            }
        });
        return found;
    }

    public void invalidate(String slug) {
        synchronized (cache) {
            cache.remove(slug);
        }
    }

    public void invalidateAll() {
        synchronized (cache) {
            cache.clear();
        }
    }
}
