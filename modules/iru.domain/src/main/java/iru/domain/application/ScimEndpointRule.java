package iru.domain.application;

import iru.domain.validation.InvalidFieldException;
import iru.foundation.net.OutboundAddressPolicy;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Where an application's SCIM base URL may point, checked when it is set. `https` only; in `DEV` mode `http` to a
 * loopback host too (tests run loopback SCIM servers). A host written as an IP literal must pass the outbound address
 * policy now, so an obviously internal target is refused at once. This is an early answer, not the guarantee: a name
 * can resolve anywhere later, so the provisioning client checks the resolved addresses again at connect time.
 */
public record ScimEndpointRule(OutboundAddressPolicy.Mode mode) {
    public ScimEndpointRule {
        Objects.requireNonNull(mode, "mode");
    }

    /** Refuses `scimBaseUrl` naming the field; null (no SCIM) is fine. */
    public void check(String scimBaseUrl) {
        if (scimBaseUrl == null) {
            return;
        }
        URI uri;
        try {
            uri = new URI(scimBaseUrl);
        } catch (Exception e) {
            throw new InvalidFieldException("scimBaseUrl", "is not a URI");
        }
        if (uri.getHost() == null) {
            // Includes spellings java.net.URI will not take as a host, such as `0x7f.0.0.1`.
            throw new InvalidFieldException("scimBaseUrl", "must have a host name or an IP address");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        var literal = OutboundAddressPolicy.literal(host);
        boolean loopbackHost = literal.map(a -> a.isLoopbackAddress()).orElse(isLocalhostName(host));
        if (!"https".equals(uri.getScheme()) && !(mode == OutboundAddressPolicy.Mode.DEV && loopbackHost)) {
            throw new InvalidFieldException("scimBaseUrl", "must use https"
                    + (mode == OutboundAddressPolicy.Mode.DEV ? " (http is allowed for loopback hosts only)" : ""));
        }
        if (literal.isPresent()) {
            new OutboundAddressPolicy(mode, OutboundAddressPolicy.HostResolver.SYSTEM).refusal(literal.get())
                    .ifPresent(reason -> {
                        throw new InvalidFieldException("scimBaseUrl", "must not point at an address that is "
                                + reason);
                    });
        } else if (isLocalhostName(host) && mode == OutboundAddressPolicy.Mode.PRODUCTION) {
            throw new InvalidFieldException("scimBaseUrl", "must not point at localhost");
        }
    }

    private static boolean isLocalhostName(String host) {
        return host.equals("localhost") || host.endsWith(".localhost");
    }
}
