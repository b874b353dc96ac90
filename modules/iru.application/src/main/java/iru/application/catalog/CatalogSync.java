package iru.application.catalog;

import iru.domain.catalog.CatalogEntry;
import iru.domain.catalog.CatalogRepository;
import iru.domain.catalog.CatalogTemplate;
import iru.domain.common.Sql;
import iru.domain.tenant.TenantLocation;
import iru.foundation.config.Region;
import iru.foundation.database.TenantRegionRouter;
import iru.foundation.secrets.SecretStore;
import iru.foundation.secrets.SecretUnavailableException;
import iru.foundation.secrets.SecretVersions;
import iru.foundation.telemetry.Telemetry;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pulls the template catalog from upstream and upserts it into every served region and the directory, so tenant
 * APIs read templates locally. The upstream credential is fetched from the secret store on every sync (never
 * cached), so a rotation takes effect at once. A template upstream dropped is deleted, unless an application in that
 * region still uses it: then the database's foreign key refuses and it is deprecated instead.
 */
public final class CatalogSync {
    public static final String CREDENTIAL_SECRET = "catalog-token";

    private final TenantRegionRouter router;
    private final CatalogRepository catalog;
    private final CatalogFeed feed;
    private final SecretStore secrets;
    private final Telemetry telemetry;

    public CatalogSync(TenantRegionRouter router, CatalogRepository catalog, CatalogFeed feed, SecretStore secrets,
            Telemetry telemetry) {
        this.router = router;
        this.catalog = catalog;
        this.feed = feed;
        this.secrets = secrets;
        this.telemetry = telemetry;
    }

    public CatalogSyncResult sync() {
        return telemetry.inUseCase("SyncCatalog", () -> {
            SecretVersions credential;
            try {
                credential = secrets.fetch(CREDENTIAL_SECRET);
            } catch (SecretUnavailableException e) {
                throw new CatalogUnavailableException("the catalog credential is unavailable: " + e.getMessage(), e);
            }
            Map<String, CatalogTemplate> upstream = byKey(feed.fetch(credential.current()));
            Instant now = Sql.now();
            Set<String> inUse = new HashSet<>();
            for (Region region : Region.values()) {
                if (router.serves(region)) {
                    inUse.addAll(router.inRegionTransaction(region, c -> apply(c, upstream, now, Set.of()).deprecatedKeys));
                }
            }
            Outcome directory = router.inDirectoryTransaction(c -> apply(c, upstream, now, inUse));
            return directory.result(upstream.size());
        });
    }

    private static Map<String, CatalogTemplate> byKey(List<CatalogTemplate> templates) {
        Map<String, CatalogTemplate> byKey = new LinkedHashMap<>();
        for (CatalogTemplate t : templates) {
            if (byKey.put(t.key(), t) != null) {
                throw new CatalogUnavailableException("the upstream catalog lists template '" + t.key() + "' twice", null);
            }
        }
        return byKey;
    }

    private static final class Outcome {
        int added;
        int updated;
        int unchanged;
        int removed;
        int deprecated;
        final Set<String> deprecatedKeys = new HashSet<>();

        CatalogSyncResult result(int total) {
            return new CatalogSyncResult(added, updated, unchanged, removed, deprecated, total);
        }
    }

    private Outcome apply(java.sql.Connection c, Map<String, CatalogTemplate> upstream, Instant now,
            Set<String> keepAsDeprecated) throws java.sql.SQLException {
        Outcome outcome = new Outcome();
        Map<String, CatalogEntry> local = catalog.all(c);
        for (CatalogTemplate t : upstream.values()) {
            switch (catalog.upsert(c, t, now)) {
                case ADDED -> outcome.added++;
                case UPDATED -> outcome.updated++;
                case UNCHANGED -> outcome.unchanged++;
            }
        }
        for (String key : local.keySet()) {
            if (!upstream.containsKey(key)) {
                switch (catalog.remove(c, key, keepAsDeprecated.contains(key))) {
                    case REMOVED -> outcome.removed++;
                    case DEPRECATED -> {
                        outcome.deprecated++;
                        outcome.deprecatedKeys.add(key);
                    }
                    case ALREADY_DEPRECATED -> outcome.deprecatedKeys.add(key);
                }
            }
        }
        return outcome;
    }

    /** The canonical catalog (control plane). */
    public List<CatalogEntry> directoryCatalog() {
        return telemetry.inUseCase("ListCatalog", () -> router.inDirectoryTransaction(catalog::list));
    }

    /** The catalog as the tenant's region holds it (tenant plane). */
    public List<CatalogEntry> regionalCatalog(TenantLocation tenant) {
        return telemetry.inUseCase("ListCatalog", () -> router.inRegionTransaction(tenant.region(), catalog::list));
    }
}
