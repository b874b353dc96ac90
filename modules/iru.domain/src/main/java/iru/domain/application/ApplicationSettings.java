package iru.domain.application;

import iru.domain.common.Text;
import iru.domain.validation.InvalidFieldException;
import java.net.URI;
import java.util.List;

/**
 * A tenant's own settings for an application made from a template. `scimCredentialRef` names a secret in the secret
 * store; the credential itself is never stored here.
 */
public record ApplicationSettings(String displayName, List<String> redirectUris, String scimBaseUrl,
        String scimCredentialRef) {
    public static final int MAX_REDIRECT_URIS = 20;

    public ApplicationSettings {
        displayName = Text.required("displayName", displayName, 200);
        redirectUris = List.copyOf(redirectUris);
        if (redirectUris.size() > MAX_REDIRECT_URIS) {
            throw new InvalidFieldException("redirectUris", "at most " + MAX_REDIRECT_URIS + " are allowed");
        }
        redirectUris.forEach(uri -> requireHttpsOrLoopback("redirectUris", uri));
        if (scimBaseUrl != null) {
            requireHttpsOrLoopback("scimBaseUrl", scimBaseUrl);
        }
        scimCredentialRef = Text.optional("scimCredentialRef", scimCredentialRef, 200);
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
