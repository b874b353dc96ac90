package iru.domain.apikey;

import iru.domain.common.Sql;
import iru.domain.common.Text;
import iru.domain.tenant.TenantId;
import iru.foundation.crypto.Digests;
import iru.foundation.database.SingleSelect;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Tenant API keys: `iruk_<16-char id>_<43-char secret>`. The secret is 256 random bits; only its SHA-256 hash is
 * stored, and presented keys are compared in constant time.
 */
public final class ApiKeyRepository {
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int ID_LENGTH = 16;
    private static final int SECRET_BYTES = 32;

    private final SecureRandom random;

    public ApiKeyRepository(SecureRandom random) {
        this.random = random;
    }

    public IssuedApiKey issue(Connection c, TenantId tenant, String name, Set<Scope> scopes) throws SQLException {
        String id = randomId();
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        ApiKey key = new ApiKey(id, Text.required("name", name, 100), scopes, Sql.now(), null);
        try (PreparedStatement s = c.prepareStatement("insert into api_keys (tenant_id, key_id, name, secret_hash,"
                + " scopes, created_at) values (?, ?, ?, ?, ?, ?)")) {
            s.setObject(1, tenant.value());
            s.setString(2, id);
            s.setString(3, key.name());
            s.setBytes(4, Digests.sha256(secretText));
            s.setArray(5, c.createArrayOf("text", scopes.stream().map(Scope::wire).sorted().toArray()));
            s.setTimestamp(6, Sql.timestamp(key.createdAt()));
            s.executeUpdate();
        }
        return new IssuedApiKey(key, ApiKey.PREFIX + id + "_" + secretText);
    }

    /**
     * The SELECT that finds the key a presented value names, if it exists, is not revoked, and its secret matches;
     * none when the value cannot be one of our keys (then there is nothing to ask the database).
     */
    public Optional<SingleSelect<Optional<ApiKey>>> authentication(TenantId tenant, String presented) {
        return parse(presented).map(parts -> new SingleSelect<>("select key_id, name, scopes, created_at, revoked_at,"
                + " secret_hash from api_keys where tenant_id = ? and key_id = ?", List.of(tenant.value(), parts[0]),
                rs -> {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    ApiKey key = read(rs);
                    boolean secretMatches = MessageDigest.isEqual(Digests.sha256(parts[1]), rs.getBytes("secret_hash"));
                    return secretMatches && !key.revoked() ? Optional.of(key) : Optional.empty();
                }));
    }

    public List<ApiKey> list(Connection c, TenantId tenant) throws SQLException {
        List<ApiKey> keys = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("select key_id, name, scopes, created_at, revoked_at from api_keys"
                + " where tenant_id = ? order by created_at, key_id")) {
            s.setObject(1, tenant.value());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    keys.add(read(rs));
                }
            }
        }
        return keys;
    }

    public boolean revoke(Connection c, TenantId tenant, String keyId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update api_keys set revoked_at = now() where tenant_id = ?"
                + " and key_id = ? and revoked_at is null")) {
            s.setObject(1, tenant.value());
            s.setString(2, keyId);
            return s.executeUpdate() > 0;
        }
    }

    /** `iruk_<id>_<secret>` into id and secret, or empty if it cannot be one of our keys. */
    static Optional<String[]> parse(String presented) {
        if (presented == null || !presented.startsWith(ApiKey.PREFIX)) {
            return Optional.empty();
        }
        String rest = presented.substring(ApiKey.PREFIX.length());
        int separator = rest.indexOf('_');
        if (separator != ID_LENGTH || rest.length() < separator + 2) {
            return Optional.empty();
        }
        return Optional.of(new String[] {rest.substring(0, separator), rest.substring(separator + 1)});
    }

    private String randomId() {
        StringBuilder id = new StringBuilder(ID_LENGTH);
        for (int i = 0; i < ID_LENGTH; i++) {
            id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }

    private static ApiKey read(ResultSet rs) throws SQLException {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        Arrays.stream((String[]) rs.getArray("scopes").getArray()).map(Scope::fromWire).forEach(scopes::add);
        return new ApiKey(rs.getString("key_id"), rs.getString("name"), scopes, Sql.instant(rs, "created_at"),
                Sql.instant(rs, "revoked_at"));
    }
}
