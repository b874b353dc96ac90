package iru.interfaces.outbound;

import io.helidon.webclient.api.DnsAddressLookup;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.spi.DnsResolver;
import iru.foundation.net.OutboundAddressPolicy;
import iru.foundation.net.OutboundAddressRefusedException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * The only way to build an HTTP client for tenant-supplied URLs (the SCIM client to come). Helidon's client asks its
 * DNS resolver for exactly one address per new connection and connects the socket to that address; ours resolves the
 * name once, refuses unless EVERY resolved address passes the {@link OutboundAddressPolicy}, and hands back a vetted
 * address still carrying the name. So the socket goes to the address that was checked (a rebinding DNS answer cannot
 * swap it in between), while the Host header, the TLS SNI and the certificate check use the name as usual.
 * <p>
 * What else keeps it pinned: no proxy (a proxy would resolve the name itself, out of our sight) and no redirects
 * (a tenant's server could otherwise send us elsewhere; redirected hosts would be vetted too, but a SCIM call has no
 * business following them). Residual risk: pooled keep-alive connections are reused for the same host and port
 * without a new check, which is safe because they were vetted when opened.
 */
public final class GuardedWebClient {
    private GuardedWebClient() {
    }

    public static WebClient create(OutboundAddressPolicy policy, Duration timeout) {
        return WebClient.builder()
                .dnsResolver(new VettingDnsResolver(policy))
                .proxy(Proxy.noProxy())
                .followRedirects(false)
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .build();
    }

    /** Resolves once, vets every address, returns one of them under the original name. */
    static final class VettingDnsResolver implements DnsResolver {
        private final OutboundAddressPolicy policy;

        VettingDnsResolver(OutboundAddressPolicy policy) {
            this.policy = policy;
        }

        @Override
        public boolean useDefaultJavaResolver() {
            return false;
        }

        @Override
        public InetAddress resolveAddress(String hostname, DnsAddressLookup lookup) {
            List<InetAddress> vetted = policy.vet(hostname);
            InetAddress[] preferred = lookup.filter(vetted.toArray(InetAddress[]::new));
            InetAddress chosen = preferred.length > 0 ? preferred[0] : vetted.getFirst();
            try {
                return InetAddress.getByAddress(hostname, chosen.getAddress());
            } catch (UnknownHostException e) {
                throw new OutboundAddressRefusedException(hostname, "address of illegal length");
            }
        }
    }
}
