package iru.interfaces.tenant;

import iru.domain.apikey.ApiKey;
import iru.domain.apikey.Scope;
import iru.interfaces.http.Problem;
import iru.interfaces.http.ProblemException;
import iru.interfaces.http.ProblemType;

/** The API key the current tenant-API request authenticated with, bound by {@link ApiKeyAuthenticationFilter}. */
public final class Caller {
    public static final ScopedValue<ApiKey> KEY = ScopedValue.newInstance();

    private Caller() {
    }

    /** Refuses the request with 403 unless the caller's key grants `scope`. */
    public static void require(Scope scope) {
        ApiKey key = KEY.get();
        if (!Scope.allows(key.scopes(), scope)) {
            throw new ProblemException(Problem.of(ProblemType.FORBIDDEN, "This API key lacks the scope '"
                    + scope.wire() + "'.").with("requiredScope", scope.wire()));
        }
    }
}
