package iru.interfaces.signin;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * Where to go after sign-in: only a relative path inside the same tenant (`/t/{slug}/…`), so a crafted link cannot
 * send a freshly signed-in person to another site or another tenant. Anything else becomes the account page.
 */
final class ReturnTo {
    private ReturnTo() {
    }

    static String validated(Optional<String> requested, String slug) {
        String fallback = "/t/" + slug + "/account";
        if (requested.isEmpty()) {
            return fallback;
        }
        String value = requested.get();
        if (value.length() > 2000 || !value.startsWith("/t/" + slug + "/") || value.contains("//")
                || value.contains("\\") || value.contains("/..") || value.contains("/./")
                || value.chars().anyMatch(ch -> ch < 0x21 || ch == 0x7f)) {
            return fallback;
        }
        try {
            URI uri = new URI(value);
            return uri.getScheme() == null && uri.getRawAuthority() == null && uri.getRawFragment() == null
                    ? value : fallback;
        } catch (URISyntaxException e) {
            return fallback;
        }
    }
}
