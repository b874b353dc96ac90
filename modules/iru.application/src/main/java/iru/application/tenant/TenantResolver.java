package iru.application.tenant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import iru.domain.tenant.TenantDirectory;
import iru.domain.tenant.TenantLocation;
import iru.domain.tenant.TenantSlug;
import iru.foundation.database.TenantRegionRouter;
import java.time.Duration;
import java.util.Optional;

/**
 * Resolves `/t/{slug}/…` to the tenant's id, region and status through the directory, with a bounded cache in front.
 * Live tenants (active or suspended) are cached for {@link Settings#hitTimeToLive}; unknown slugs are cached as misses
 * for the much shorter {@link Settings#missTimeToLive}, so a flood of made-up slugs costs one directory query per
 * slug per few seconds instead of one per request. The directory's change notifications (creation, suspension,
 * resumption, deletion) invalidate a slug at once, so neither a cached hit nor a cached miss outlives a change.
 * A failing directory is never taken for a miss: its exception reaches the caller and nothing is cached.
 */
public final class TenantResolver {
    private final TenantRegionRouter router;
    private final TenantDirectory directory;
    private final Cache<String, Optional<TenantLocation>> cache;

    /**
     * @param maxEntries     slugs kept at most; Caffeine's frequency-based admission keeps real tenants in when a
     *                       flood of one-off slugs passes through
     * @param hitTimeToLive  how long a live tenant is served from the cache; changes arrive by notification anyway,
     *                       this only bounds the damage of a lost notification
     * @param missTimeToLive how long an unknown slug is answered 404 from the cache; short, because a tenant created
     *                       meanwhile is announced but a lost announcement should cost seconds, not minutes
     */
    public record Settings(int maxEntries, Duration hitTimeToLive, Duration missTimeToLive) {
        /** 10 000 tenants per instance; 30 s for live tenants; 5 s for misses (enough to absorb a slug flood). */
        public static final Settings DEFAULTS = new Settings(10_000, Duration.ofSeconds(30), Duration.ofSeconds(5));

        public Settings {
            if (maxEntries < 1) {
                throw new IllegalArgumentException("maxEntries must be positive, got " + maxEntries);
            }
            if (!hitTimeToLive.isPositive() || !missTimeToLive.isPositive()) {
                throw new IllegalArgumentException("cache lifetimes must be positive");
            }
        }
    }

    public TenantResolver(TenantRegionRouter router, TenantDirectory directory, Settings settings) {
        this.router = router;
        this.directory = directory;
        this.cache = Caffeine.newBuilder()
                .maximumSize(settings.maxEntries())
                .expireAfter(Expiry.<String, Optional<TenantLocation>>creating((slug, found) ->
                        found.isPresent() ? settings.hitTimeToLive() : settings.missTimeToLive()))
                .build();
    }

    /**
     * The live tenant with this slug, or empty if there is none. A value that is not a slug at all is answered
     * without touching the directory or the cache.
     *
     * @throws RuntimeException whatever the directory lookup threw (database unavailable, …); never cached
     */
    public Optional<TenantLocation> resolve(String rawSlug) {
        TenantSlug slug;
        try {
            slug = new TenantSlug(rawSlug);
        } catch (RuntimeException notASlug) {
            return Optional.empty();
        }
        // One lookup per slug at a time: concurrent requests for the same uncached slug wait for the first, and an
        // invalidation that arrives during the lookup waits for it too and then drops its (possibly stale) result.
        return cache.get(slug.value(), key -> router.inDirectoryTransaction(c -> directory.findLiveBySlug(c, slug)));
    }

    public void invalidate(String slug) {
        cache.invalidate(slug);
    }

    public void invalidateAll() {
        cache.invalidateAll();
    }
}
