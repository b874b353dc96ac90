package iru.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A fresh directory, `us` and `eu` database on the local PostgreSQL for one test class, so test classes can run in
 * any order without seeing each other's rows. Created empty (dropped first if a crashed run left them behind).
 */
public final class TestDatabases implements AutoCloseable {
    public static final String HOST = System.getenv().getOrDefault("IRU_TEST_PG", "127.0.0.1:5432");
    public static final String OWNER = System.getenv().getOrDefault("IRU_TEST_PG_USER", "postgres");
    public static final String OWNER_PASSWORD = System.getenv().getOrDefault("IRU_TEST_PG_PASSWORD", "");

    private final String prefix;

    private TestDatabases(String prefix) {
        this.prefix = prefix;
    }

    /** Creates `<prefix>_directory`, `<prefix>_us` and `<prefix>_eu`, empty. */
    public static TestDatabases create(String prefix) {
        TestDatabases databases = new TestDatabases(prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_"));
        for (String name : databases.names()) {
            admin("drop database if exists " + name + " with (force)");
            admin("create database " + name);
        }
        return databases;
    }

    public String[] names() {
        return new String[] {prefix + "_directory", prefix + "_us", prefix + "_eu"};
    }

    public String url(String kind) {
        return "jdbc:postgresql://" + HOST + "/" + prefix + "_" + kind;
    }

    /** The environment a plane or command would get for these databases, serving both regions. */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("IRU_DB_DIRECTORY_URL", url("directory"));
        env.put("IRU_DB_US_URL", url("us"));
        env.put("IRU_DB_EU_URL", url("eu"));
        env.put("IRU_DB_USER", OWNER);
        env.put("IRU_DB_PASSWORD", OWNER_PASSWORD);
        env.put("IRU_REGIONS", "us,eu");
        env.put("IRU_HTTP_PORT", "0");
        return env;
    }

    /** Opens a connection to one of these databases as the owner (superuser in tests). */
    public Connection connectAsOwner(String kind) throws SQLException {
        return DriverManager.getConnection(url(kind), OWNER, OWNER_PASSWORD);
    }

    public static void admin(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + HOST + "/postgres", OWNER, OWNER_PASSWORD);
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (String name : names()) {
            admin("drop database if exists " + name + " with (force)");
        }
    }
}
