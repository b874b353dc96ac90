package iru.foundation.migration;

import iru.foundation.config.DatabaseCredentials;
import iru.foundation.config.DatabaseSettings;
import iru.foundation.database.DatabaseLogin;
import iru.foundation.database.DatabaseLogins;
import iru.foundation.config.Region;
import iru.foundation.database.DatabaseUnavailableException;
import iru.foundation.database.RegionMismatchException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;

/**
 * Loads a region's reference data (`migrations/region/seed/<region>/seed.sql`) into that region's database. Gated:
 * the database must record the same region, checked in the same transaction that writes, so a cross-wired URL writes
 * nothing.
 */
public final class RegionSeeder {
    private final DatabaseLogin login;
    private final DatabaseCredentials owner;
    private final Consumer<String> progress;

    public RegionSeeder(DatabaseSettings settings, Consumer<String> progress) {
        this.login = DatabaseLogins.forSettings(settings);
        this.owner = settings.owner();
        this.progress = progress;
    }

    public void seed(MigrationTarget target) {
        Region region = target.region().orElseThrow(() -> new IllegalArgumentException("only regional databases have seeds"));
        String sql = seedScript(region);
        try (Connection c = login.connect(target.jdbcUrl(), owner)) {
            c.setAutoCommit(false);
            try {
                String recorded = recordedRegion(c);
                if (!region.code().equals(recorded)) {
                    throw new RegionMismatchException(target.name(), region, recorded == null ? "none" : recorded);
                }
                try (Statement s = c.createStatement()) {
                    s.execute(sql);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            progress.accept(target.name() + ": seeded from seed/" + region.code() + "/seed.sql");
        } catch (SQLException e) {
            throw new DatabaseUnavailableException(target.name(), "seeding failed: " + e.getMessage(), e);
        }
    }

    private static String recordedRegion(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select region from region_identity");
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static String seedScript(Region region) {
        String resource = "iru-migrations/region/seed/" + region.code() + "/seed.sql";
        try (InputStream in = RegionSeeder.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no seed for region " + region.code() + " (" + resource + ")");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }
}
