package iru.domain.application;

import iru.domain.common.Text;
import iru.domain.validation.InvalidFieldException;
import java.net.URI;
import java.util.List;

/**
 * A tenant's own settings for an application made from a template. The SCIM credential is not among them: it is
 * written on its own (see {@link ScimCredential}) and never read back. `scimBaseUrl` is checked here for its form only;
 * where it may point depends on the deployment and is {@link ScimEndpointRule}'s to decide. `allowedScopes` (null:
 * {@link AllowedScopes#DEFAULT}) bounds what the application may ask for as an OAuth client.
 */
public record ApplicationSettings(String displayName, List<String> redirectUris, String scimBaseUrl,
        List<String> allowedScopes) {
    public static final int MAX_REDIRECT_URIS = 20;
    private static final int MAX_URL_LENGTH = 2000;

    public ApplicationSettings {
        displayName = Text.required("displayName", displayName, 200);
        redirectUris = List.copyOf(redirectUris);
        if (redirectUris.size() > MAX_REDIRECT_URIS) {
            throw new InvalidFieldException("redirectUris", "at most " + MAX_REDIRECT_URIS + " are allowed");
        }
        redirectUris.forEach(uri -> requireHttpsOrLoopback("redirectUris", uri));
        if (scimBaseUrl != null) {
            requireHttpUrl(scimBaseUrl);
        }
        allowedScopes = AllowedScopes.validated(allowedScopes == null ? AllowedScopes.DEFAULT : allowedScopes);
    }

    private static void requireHttpUrl(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (Exception e) {
            throw new InvalidFieldException("scimBaseUrl", "'" + value + "' is not a URI");
        }
        boolean http = "https".equals(uri.getScheme()) || "http".equals(uri.getScheme());
        if (value.length() > MAX_URL_LENGTH || !http || uri.getHost() == null || uri.getRawUserInfo() != null
                || uri.getFragment() != null) {
            throw new InvalidFieldException("scimBaseUrl", "must be an absolute https URL with a host, without user"
                    + " info or fragment, of at most " + MAX_URL_LENGTH + " characters");
        }
    }

    private static void requireHttpsOrLoopback(String field, String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (Exception e) {
            throw new InvalidFieldException(field, "'" + value + "' is not a URI");
        }
        String host = uri.getHost();
        boolean https = "https".equals(uri.getScheme()) && host != null;
        boolean loopback = "http".equals(uri.getScheme()) && ("localhost".equals(host) || "127.0.0.1".equals(host));
        if (!uri.isAbsolute() || uri.getFragment() != null || !(https || loopback)) {
            throw new InvalidFieldException(field, "'" + value + "' must be an absolute https URI without fragment"
                    + " (http is allowed for localhost only)");
        }
    }
}
