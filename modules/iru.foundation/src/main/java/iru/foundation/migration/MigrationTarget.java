package iru.foundation.migration;

import iru.foundation.config.DatabaseSettings;
import iru.foundation.config.Region;
import iru.foundation.database.DatabaseName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** One database and the embedded migration location that builds its schema. */
public record MigrationTarget(DatabaseName name, String jdbcUrl, String location, Optional<Region> region) {
    static final String DIRECTORY_LOCATION = "classpath:iru-migrations/directory";
    static final String REGION_LOCATION = "classpath:iru-migrations/region";

    /** The directory first, then every served region in a stable order. */
    public static List<MigrationTarget> all(DatabaseSettings settings, Set<Region> served) {
        List<MigrationTarget> targets = new ArrayList<>();
        targets.add(new MigrationTarget(DatabaseName.directory(settings.directoryUrl()), settings.directoryUrl(),
                DIRECTORY_LOCATION, Optional.empty()));
        for (Region region : Region.values()) {
            if (served.contains(region)) {
                String url = settings.regionUrl(region);
                targets.add(new MigrationTarget(DatabaseName.region(region, url), url, REGION_LOCATION,
                        Optional.of(region)));
            }
        }
        return targets;
    }
}
