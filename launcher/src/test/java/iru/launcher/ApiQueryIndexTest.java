package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.domain.application.ApplicationRepository;
import iru.domain.group.GroupRepository;
import iru.domain.provisioning.ProvisioningOutbox;
import iru.domain.tenant.TenantId;
import iru.domain.user.UserFilter;
import iru.domain.user.UserRepository;
import iru.domain.user.UserStatus;
import iru.foundation.config.DatabaseCredentials;
import iru.foundation.config.IruConfig;
import iru.foundation.database.OrmSessions;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every query the tenant API runs for a filter or a join uses an index, on a tenant with 100,000 users, as the tenant
 * plane's runtime role under row-level security (which keeps non-leakproof conditions out of index scans, so this
 * cannot be checked as the owner). The repositories run their real SQL on a connection that records it; each
 * statement is then prepared on the same transaction, executed six times (after five, PostgreSQL may switch to a
 * generic plan that no longer sees the values) and explained.
 */
class ApiQueryIndexTest {
    static final int USERS = 100_000;
    static final int GROUPS = 10_000;
    static final int APPS = 100;
    /** Tables a query must never read whole: they grow with the tenant. */
    static final Pattern FULL_SCAN = Pattern.compile(
            "Seq Scan on (users|group_members|app_user_assignments|app_group_assignments|groups)\\b");

    static TestDeployment deployment;
    static OrmSessions orm;
    static TenantId tenant;
    static UserRepository users;
    static GroupRepository groups;
    static ApplicationRepository apps;
    static UUID user;
    static UUID group;
    static UUID app;

    @BeforeAll
    static void loadATenantWithOneHundredThousandUsers() throws Exception {
        deployment = TestDeployment.create("t_query_indexes");
        TestDeployment.Plane control = deployment.start(Plane.control);
        tenant = new TenantId(UUID.fromString(TestDeployment.createTenant(control, "big", "eu").id()));
        String other = TestDeployment.createTenant(control, "other", "eu").id();
        try (Connection c = deployment.databases.connectAsOwner("eu"); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            // A bulk load as the owner: no journal triggers and no foreign-key triggers (the rows are consistent).
            s.execute("set local session_replication_role = replica");
            s.execute("insert into catalog_templates (key, name, content_hash, status, synced_at)"
                    + " values ('index-test', 'Index test', '\\x00', 'active', now()) on conflict do nothing");
            for (String t : List.of(tenant.value().toString(), other)) {
                int count = t.equals(other) ? USERS / 10 : USERS;
                s.execute("insert into users (tenant_id, user_id, user_name, email, given_name, family_name,"
                        + " display_name, status, version, created_at, updated_at) select '" + t + "',"
                        + " gen_random_uuid(), 'User' || i, 'user' || i || '@big.example', 'Given', 'Family',"
                        + " 'Person ' || i, case when i % 10 = 0 then 'inactive' else 'active' end, 1, now(), now()"
                        + " from generate_series(1, " + count + ") i");
                s.execute("insert into groups (tenant_id, group_id, display_name, version, created_at, updated_at)"
                        + " select '" + t + "', gen_random_uuid(), 'Team ' || i, 1, now(), now()"
                        + " from generate_series(1, " + GROUPS + ") i");
                s.execute("insert into group_members (tenant_id, group_id, user_id, created_at)"
                        + " select u.tenant_id, g.group_id, u.user_id, now() from users u join groups g"
                        + " on g.tenant_id = u.tenant_id and g.display_name = 'Team ' || (1 + substr(u.user_name, 5)::int % "
                        + GROUPS + ") where u.tenant_id = '" + t + "'");
                s.execute("insert into applications (tenant_id, app_id, template_key, display_name, scim_base_url,"
                        + " version, created_at, updated_at) select '" + t + "', gen_random_uuid(), 'index-test',"
                        + " 'App ' || i, case when i % 2 = 0 then 'https://scim.example/' || i end, 1, now(), now()"
                        + " from generate_series(1, " + APPS + ") i");
                s.execute("insert into app_user_assignments (tenant_id, app_id, user_id, created_at)"
                        + " select u.tenant_id, a.app_id, u.user_id, now() from users u join applications a"
                        + " on a.tenant_id = u.tenant_id and a.display_name = 'App ' || (1 + substr(u.user_name, 5)::int % "
                        + APPS + ") where u.tenant_id = '" + t + "' and substr(u.user_name, 5)::int % 5 = 0");
                s.execute("insert into app_group_assignments (tenant_id, app_id, group_id, created_at)"
                        + " select g.tenant_id, a.app_id, g.group_id, now() from groups g join applications a"
                        + " on a.tenant_id = g.tenant_id and a.display_name = 'App ' || (1 + substr(g.display_name, 6)::int % "
                        + APPS + ") where g.tenant_id = '" + t + "'");
            }
            c.commit();
            c.setAutoCommit(true);
            for (String table : List.of("users", "groups", "group_members", "applications", "app_user_assignments",
                    "app_group_assignments")) {
                s.execute("analyze " + table);
            }
            user = uuid(s, "select user_id from users where tenant_id = '" + tenant.value() + "' and user_name = 'User4242'");
            group = uuid(s, "select group_id from groups where tenant_id = '" + tenant.value()
                    + "' and display_name = 'Team 43'");
            app = uuid(s, "select app_id from applications where tenant_id = '" + tenant.value()
                    + "' and display_name = 'App 42'");
        }
        orm = OrmSessions.create(Stream.of(UserRepository.ENTITIES, GroupRepository.ENTITIES,
                ApplicationRepository.ENTITIES).flatMap(List::stream).toList());
        users = new UserRepository(orm);
        groups = new GroupRepository(orm, users);
        apps = new ApplicationRepository(orm, users);
    }

    @AfterAll
    static void stop() {
        if (orm != null) {
            orm.close();
        }
        deployment.close();
    }

    static UUID uuid(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getObject(1, UUID.class);
        }
    }

    @Test
    void readingOneUserUsesItsKey() throws Exception {
        assertIndexed(c -> users.find(c, tenant, user), "users_pkey");
    }

    @Test
    void everyUserFilterUsesAnIndex() throws Exception {
        assertIndexed(c -> users.list(c, tenant, UserFilter.none(), Optional.empty(), 50), "users_pkey");
        assertIndexed(c -> users.list(c, tenant, UserFilter.none(), Optional.of(user), 50), "users_pkey");
        assertIndexed(c -> users.list(c, tenant, new UserFilter(Optional.of("user4242"), Optional.empty(),
                Optional.empty(), Optional.empty()), Optional.empty(), 50), "users_user_name");
        assertIndexed(c -> users.list(c, tenant, new UserFilter(Optional.empty(), Optional.of("USER4242@big.example"),
                Optional.empty(), Optional.empty()), Optional.empty(), 50), "users_email");
        assertIndexed(c -> users.list(c, tenant, new UserFilter(Optional.empty(), Optional.empty(),
                Optional.of(UserStatus.inactive), Optional.empty()), Optional.empty(), 50), "users_pkey");
        // Prefix search over userName, email and displayName: one index range each.
        assertIndexed(c -> users.list(c, tenant, new UserFilter(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("User4242")), Optional.empty(), 50), "users_user_name", "users_email", "users_display_name");
        assertIndexed(c -> users.list(c, tenant, new UserFilter(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("person 4242")), Optional.empty(), 50), "users_display_name");
    }

    @Test
    void groupSearchAndMembershipsUseIndexes() throws Exception {
        assertIndexed(c -> groups.list(c, tenant, Optional.of("team 424"), Optional.empty(), 50), "groups_display_name");
        assertIndexed(c -> groups.members(c, tenant, group, Optional.empty(), 50), "group_members_pkey");
        assertIndexed(c -> groups.groupsOf(c, tenant, user), "group_members_user");
    }

    @Test
    void assignmentLookupsByApplicationUserAndGroupUseIndexes() throws Exception {
        assertIndexed(c -> apps.assignments(c, tenant, app), "app_user_assignments_pkey",
                "app_group_assignments_pkey");
        assertIndexed(c -> apps.effectiveUsers(c, tenant, app, Optional.empty(), 50), "app_user_assignments_pkey");
        assertIndexed(c -> ProvisioningOutbox.Targets.appsOfUser(c, tenant, user), "app_user_assignments",
                "group_members_user");
        assertIndexed(c -> ProvisioningOutbox.Targets.appsOfGroup(c, tenant, group), "app_group_assignments");
        assertIndexed(c -> ProvisioningOutbox.Targets.effectiveUsers(c, tenant, app), "app_user_assignments_pkey");
    }

    interface Work {
        Object run(Connection c) throws SQLException;
    }

    record Recorded(String sql, TreeMap<Integer, Object> parameters) {
    }

    /**
     * Runs `work` as the tenant plane's runtime role with the tenant set, then explains every query it ran (as it
     * would be planned after six executions) and checks that none reads a growing table whole and that the plans name
     * every index in `expected`.
     */
    static void assertIndexed(Work work, String... expected) throws Exception {
        DatabaseCredentials runtime = IruConfig.from(deployment.environment).database().tenantRuntime();
        try (Connection c = DriverManager.getConnection(deployment.databases.url("eu"), runtime.user(),
                runtime.password())) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("select set_config('iru.tenant_id', ?, true)")) {
                s.setString(1, tenant.value().toString());
                s.execute();
            }
            List<Recorded> recorded = new ArrayList<>();
            work.run(recording(c, recorded));
            StringBuilder plans = new StringBuilder();
            int n = 0;
            for (Recorded statement : recorded) {
                if (!statement.sql().stripLeading().toLowerCase().startsWith("select")) {
                    try (Statement s = c.createStatement()) { // e.g. `set local plan_cache_mode`, as the work ran it
                        s.execute(statement.sql());
                    }
                    continue;
                }
                String name = "q" + n++;
                try (Statement s = c.createStatement()) {
                    s.execute("prepare " + name + " as " + numbered(statement.sql()));
                    String execute = "execute " + name + arguments(statement.parameters());
                    for (int i = 0; i < 6; i++) {
                        s.execute(execute);
                    }
                    try (ResultSet rs = s.executeQuery("explain " + execute)) {
                        plans.append(statement.sql()).append('\n');
                        while (rs.next()) {
                            plans.append(rs.getString(1)).append('\n');
                        }
                    }
                }
            }
            c.rollback();
            assertTrue(n > 0, "the work ran no query");
            String text = plans.toString();
            assertFalse(FULL_SCAN.matcher(text).find(), "a query reads a whole table:\n" + text);
            for (String index : expected) {
                assertTrue(Pattern.compile("Index (Only )?Scan (using|on) " + index).matcher(text).find(),
                        "no use of " + index + ":\n" + text);
            }
        }
    }

    /** The statement with JDBC's `?` placeholders as PostgreSQL's `$1, $2, …` (our SQL has no `?` in literals). */
    static String numbered(String sql) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            if (ch == '?') {
                out.append('$').append(++n);
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    static String arguments(TreeMap<Integer, Object> parameters) {
        if (parameters.isEmpty()) {
            return "";
        }
        List<String> literals = new ArrayList<>();
        parameters.values().forEach(v -> literals.add(v == null ? "null"
                : v instanceof Number ? v.toString() : "'" + v.toString().replace("'", "''") + "'"));
        return "(" + String.join(", ", literals) + ")";
    }

    /** `c`, recording the SQL and parameters of every statement run through it. */
    static Connection recording(Connection c, List<Recorded> recorded) {
        InvocationHandler handler = (proxy, method, args) -> {
            Object result = invoke(c, method, args);
            if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql) {
                return recordingStatement((PreparedStatement) result, sql, recorded);
            }
            if (method.getName().equals("createStatement")) {
                Statement statement = (Statement) result;
                return Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {Statement.class},
                        (p, m, a) -> {
                            if (m.getName().startsWith("execute") && a != null && a[0] instanceof String sql) {
                                recorded.add(new Recorded(sql, new TreeMap<>()));
                            }
                            return invoke(statement, m, a);
                        });
            }
            return result;
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, handler);
    }

    static PreparedStatement recordingStatement(PreparedStatement statement, String sql, List<Recorded> recorded) {
        TreeMap<Integer, Object> parameters = new TreeMap<>();
        return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (p, m, a) -> {
                    if (m.getName().startsWith("set") && a != null && a.length >= 2 && a[0] instanceof Integer index) {
                        parameters.put(index, a[1]);
                    }
                    if (m.getName().startsWith("execute") && (a == null || a.length == 0)) {
                        recorded.add(new Recorded(sql, new TreeMap<>(parameters)));
                    }
                    return invoke(statement, m, a);
                });
    }

    static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
