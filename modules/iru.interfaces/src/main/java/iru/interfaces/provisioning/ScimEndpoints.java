package iru.interfaces.provisioning;

import io.helidon.webclient.api.WebClient;
import iru.domain.application.Application;
import iru.domain.application.ScimCredential;
import iru.domain.tenant.TenantLocation;
import iru.foundation.net.OutboundAddressPolicy;
import iru.foundation.secrets.Secret;
import iru.foundation.secrets.SecretStore;
import iru.foundation.secrets.SecretUnavailableException;
import iru.interfaces.outbound.GuardedWebClient;
import java.net.URI;

/**
 * SCIM clients for applications: the application's base URL, its platform-held bearer token fetched from the secret
 * store for every client made (one per delivery batch or reconciliation; a token is never cached here), over one
 * guarded web client shared by all (its keep-alive connections were vetted when opened).
 */
final class ScimEndpoints {
    private final SecretStore secrets;
    private final WebClient http;

    ScimEndpoints(SecretStore secrets, WebClient http) {
        this.secrets = secrets;
        this.http = http;
    }

    static ScimEndpoints create(SecretStore secrets, OutboundAddressPolicy policy, ScimSettings settings) {
        return new ScimEndpoints(secrets, GuardedWebClient.create(policy, settings.timeout()));
    }

    /** Why there is no client: no URL or no credential (`transientFailure` false), or the store failed (true). */
    static final class UnavailableException extends RuntimeException {
        final boolean transientFailure;

        UnavailableException(String message, boolean transientFailure) {
            super(message);
            this.transientFailure = transientFailure;
        }
    }

    ScimClient client(TenantLocation tenant, Application app) {
        String base = app.settings().scimBaseUrl();
        if (base == null) {
            throw new UnavailableException("the application has no SCIM base URL", false);
        }
        if (app.scimCredentialSetAt().isEmpty()) {
            throw new UnavailableException("no SCIM credential is set for the application", false);
        }
        Secret token;
        try {
            token = secrets.fetch(ScimCredential.secretName(tenant.id(), app.id())).current();
        } catch (SecretUnavailableException e) {
            throw new UnavailableException("the SCIM credential cannot be read from the secret store: "
                    + e.getMessage(), true);
        }
        return new ScimClient(http, URI.create(base), token);
    }
}
