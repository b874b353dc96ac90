package iru.domain.tenant;

import com.google.common.net.InternetDomainName;
import iru.domain.validation.InvalidFieldException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WebAuthn relying party a tenant's passkey ceremonies run as: the rpId its passkeys are bound to and the exact
 * origins a ceremony may come from. A tenant without one uses the deployment's (`IRU_WEBAUTHN_RP_ID`,
 * `IRU_WEBAUTHN_ORIGINS`).
 *
 * Valid means what a browser would also accept: the rpId is `localhost` or a registrable domain (under a public
 * suffix of the Public Suffix List, not one itself: `co.uk` or `github.io` would bind passkeys to every site beneath),
 * and it is the host, or a parent domain, of every origin. Origins are `https://host[:port]`, or `http://` for
 * `localhost` only (a secure context without TLS), lowercase, with nothing after the authority.
 */
public record WebAuthnRelyingParty(String rpId, List<String> origins) {
    public static final int MAX_ORIGINS = 20;
    private static final String LOCALHOST = "localhost";
    /** An origin as browsers serialize it: scheme, host, a port only when not the default. */
    private static final Pattern ORIGIN = Pattern.compile("(https?)://([a-z0-9]([a-z0-9.-]*[a-z0-9])?)(?::([1-9][0-9]{0,4}))?");

    public WebAuthnRelyingParty {
        rpId = requireRpId(rpId);
        if (origins == null || origins.isEmpty() || origins.size() > MAX_ORIGINS) {
            throw new InvalidFieldException("origins", "must list 1 to " + MAX_ORIGINS + " origins");
        }
        Set<String> distinct = new LinkedHashSet<>();
        for (String origin : origins) {
            if (!distinct.add(requireOrigin(origin, rpId))) {
                throw new InvalidFieldException("origins", "lists " + origin + " twice");
            }
        }
        origins = List.copyOf(distinct);
    }

    private static String requireRpId(String rpId) {
        if (rpId == null || rpId.length() > 253 || !rpId.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
            throw new InvalidFieldException("rpId", "must be a lowercase domain name");
        }
        if (rpId.equals(LOCALHOST)) {
            return rpId;
        }
        if (!InternetDomainName.isValid(rpId) || rpId.matches("[0-9.]+")) {
            throw new InvalidFieldException("rpId", "must be a valid domain name, not an address");
        }
        if (!InternetDomainName.from(rpId).isUnderPublicSuffix()) {
            throw new InvalidFieldException("rpId", "must be a registrable domain, not a public suffix such as "
                    + rpId);
        }
        return rpId;
    }

    private static String requireOrigin(String origin, String rpId) {
        Matcher m = origin == null ? null : ORIGIN.matcher(origin);
        if (m == null || !m.matches() || (m.group(4) != null && Integer.parseInt(m.group(4)) > 65_535)) {
            throw new InvalidFieldException("origins", "must be scheme://host[:port] in lowercase: " + origin);
        }
        String host = m.group(2);
        if (!m.group(1).equals("https") && !host.equals(LOCALHOST)) {
            throw new InvalidFieldException("origins", "must be https (http only for localhost): " + origin);
        }
        if (!host.equals(rpId) && !host.endsWith("." + rpId)) {
            throw new InvalidFieldException("origins", origin + " is not within rpId " + rpId);
        }
        return origin;
    }
}
