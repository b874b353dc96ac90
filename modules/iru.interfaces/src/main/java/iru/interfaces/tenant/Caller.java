package iru.interfaces.tenant;

import iru.domain.apikey.ApiKey;

/** The API key the current tenant-API request authenticated with, bound by {@link ApiKeyAuthenticator}. */
public final class Caller {
    public static final ScopedValue<ApiKey> KEY = ScopedValue.newInstance();

    private Caller() {
    }
}
