package iru.foundation.database;

import iru.foundation.config.DatabaseCredentials;
import iru.foundation.config.DatabaseSettings;
import iru.foundation.config.InvalidConfigurationException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.Function;

/**
 * Logs in with an RDS IAM authentication token (SigV4-signed, valid 15 minutes) generated for every new connection,
 * so no database password exists anywhere. Existing connections are unaffected when a token expires: RDS checks it
 * only when a connection opens. The token is a bearer credential, so it only ever travels over TLS that verified the
 * server's certificate against the configured CA bundle and its host name (`sslmode=verify-full`).
 */
public final class RdsIamLogin implements DatabaseLogin {
    private final IamTokenSource tokens;
    private final Function<String, String> awsRegionOfUrl;
    private final Path sslRootCert;

    /**
     * `awsRegionOfUrl` names the AWS region each database (by JDBC URL) runs in; tokens are signed for it.
     * `sslRootCert` is the CA bundle (PEM) the server certificate must chain to; it must be readable now.
     */
    public RdsIamLogin(IamTokenSource tokens, Function<String, String> awsRegionOfUrl, Path sslRootCert) {
        if (!Files.isRegularFile(sslRootCert) || !Files.isReadable(sslRootCert)) {
            throw new InvalidConfigurationException("IRU_DB_SSL_ROOT_CERT (iru.db.ssl-root-cert)", "no readable CA"
                    + " bundle at " + sslRootCert + "; IAM logins verify the database's certificate against it (install"
                    + " the RDS global bundle, https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem)");
        }
        this.tokens = tokens;
        this.awsRegionOfUrl = awsRegionOfUrl;
        this.sslRootCert = sslRootCert;
    }

    @Override
    public String passwordFor(String jdbcUrl, DatabaseCredentials login) {
        URI endpoint = URI.create(jdbcUrl.substring("jdbc:".length()));
        return tokens.token(endpoint.getHost(), endpoint.getPort() < 0 ? 5432 : endpoint.getPort(), login.user(),
                awsRegionOfUrl.apply(jdbcUrl));
    }

    @Override
    public Connection connect(String jdbcUrl, DatabaseCredentials credentials, Properties extra) throws SQLException {
        var weakening = DatabaseSettings.tlsParameterIn(jdbcUrl);
        if (weakening.isPresent()) {
            throw new SQLException("IAM logins always use sslmode=verify-full; the URL may not set '"
                    + weakening.get() + "'", "28000");
        }
        return DatabaseLogin.super.connect(jdbcUrl, credentials, verifiedTls(extra));
    }

    /** The caller's driver properties with TLS forced to full verification against the CA bundle. */
    Properties verifiedTls(Properties extra) {
        Properties properties = new Properties();
        properties.putAll(extra);
        properties.keySet().removeIf(key -> key.toString().toLowerCase(java.util.Locale.ROOT).startsWith("ssl"));
        properties.setProperty("sslmode", "verify-full");
        properties.setProperty("sslrootcert", sslRootCert.toString());
        return properties;
    }
}
