package iru.foundation.database;

import iru.foundation.config.DatabaseSettings;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/** Picks the login the configuration asks for (`IRU_DB_AUTH=password|iam`). */
public final class DatabaseLogins {
    private DatabaseLogins() {
    }

    public static DatabaseLogin forSettings(DatabaseSettings settings) {
        if (!settings.iamAuthentication()) {
            return DatabaseLogin.password();
        }
        return new RdsIamLogin(IamTokenSource.sdk(DefaultCredentialsProvider.builder().build()), settings::awsRegionOf,
                settings.sslRootCert());
    }
}
