package iru.foundation.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which addresses the platform may connect to on a tenant's behalf (SCIM pushes to a tenant-supplied base URL). A
 * tenant must not be able to aim our workers at our own network: loopback, private (RFC 1918, IPv6 ULA), link-local
 * (with the cloud metadata service 169.254.169.254), CGNAT, unspecified, multicast and reserved addresses are
 * refused, also when written as IPv4-mapped, IPv4-compatible, NAT64 or 6to4 IPv6 addresses. {@link #vet} resolves a
 * name once and checks EVERY address it resolves to, so one public record cannot smuggle in a private one; the caller
 * must then connect to the vetted address itself (see the guarded web client), never re-resolve the name, or a DNS
 * rebinding answer could differ the second time.
 *
 * @param mode     `DEV` additionally allows loopback, for tests against loopback servers; nothing else is relaxed
 * @param resolver how names become addresses; the system resolver in production, a fixed table in tests
 */
public record OutboundAddressPolicy(Mode mode, HostResolver resolver) {
    /** Production refuses every internal address; dev allows loopback only (metadata stays refused in both). */
    public enum Mode { PRODUCTION, DEV }

    /** The name-to-addresses step, a seam so tests can make any name resolve anywhere. */
    @FunctionalInterface
    public interface HostResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;

        HostResolver SYSTEM = InetAddress::getAllByName;
    }

    private record Range(byte[] prefix, int bits, String reason) {
        static Range of(String literal, int bits, String reason) {
            return new Range(InetAddress.ofLiteral(literal).getAddress(), bits, reason);
        }

        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((address[bit / 8] & mask) != (prefix[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final Range IPV4_LOOPBACK = Range.of("127.0.0.0", 8, "loopback");
    private static final Range IPV6_LOOPBACK = Range.of("::1", 128, "loopback");
    private static final Range METADATA = Range.of("169.254.169.254", 32, "the cloud metadata service");

    private static final List<Range> REFUSED_V4 = List.of(
            METADATA,
            Range.of("0.0.0.0", 8, "unspecified or 'this network'"),
            Range.of("10.0.0.0", 8, "private (RFC 1918)"),
            Range.of("100.64.0.0", 10, "carrier-grade NAT (RFC 6598)"),
            Range.of("169.254.0.0", 16, "link-local"),
            Range.of("172.16.0.0", 12, "private (RFC 1918)"),
            Range.of("192.0.0.0", 24, "IETF protocol assignments"),
            Range.of("192.168.0.0", 16, "private (RFC 1918)"),
            Range.of("198.18.0.0", 15, "benchmarking (RFC 2544)"),
            Range.of("224.0.0.0", 4, "multicast"),
            Range.of("240.0.0.0", 4, "reserved or broadcast"));

    private static final Range UNSPECIFIED_V6 = Range.of("::", 128, "unspecified");
    private static final List<Range> REFUSED_V6 = List.of(
            Range.of("fc00::", 7, "unique local (private)"),
            Range.of("fe80::", 10, "link-local"),
            Range.of("fec0::", 10, "site-local"),
            Range.of("ff00::", 8, "multicast"),
            Range.of("100::", 64, "discard-only"));

    /** IPv6 forms that carry an IPv4 address in their last four bytes; 6to4 carries it in bytes 2..5. */
    private static final List<Range> EMBEDDING_V4 = List.of(
            Range.of("::ffff:0:0", 96, "IPv4-mapped"),
            Range.of("::", 96, "IPv4-compatible"),
            Range.of("64:ff9b::", 96, "NAT64"));
    private static final Range SIX_TO_FOUR = Range.of("2002::", 16, "6to4");

    public OutboundAddressPolicy {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(resolver, "resolver");
    }

    /** The policy over the system resolver. */
    public static OutboundAddressPolicy of(Mode mode) {
        return new OutboundAddressPolicy(mode, HostResolver.SYSTEM);
    }

    /**
     * Resolves `host` once and returns its addresses if every one is allowed; otherwise refuses, naming the first bad
     * address. Connect to one of the returned addresses, not to `host`.
     */
    public List<InetAddress> vet(String host) {
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new OutboundAddressRefusedException(host, "it does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            throw new OutboundAddressRefusedException(host, "it does not resolve");
        }
        for (InetAddress address : addresses) {
            refusal(address).ifPresent(reason -> {
                throw new OutboundAddressRefusedException(host, address.getHostAddress() + " is " + reason);
            });
        }
        return List.of(addresses);
    }

    /** Why `address` must not be connected to in this mode, or empty if it may. */
    public Optional<String> refusal(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            if (IPV6_LOOPBACK.contains(bytes)) {
                return loopback();
            }
            if (UNSPECIFIED_V6.contains(bytes)) {
                return Optional.of("unspecified");
            }
            Optional<byte[]> embedded = embeddedIpv4(bytes);
            if (embedded.isPresent()) {
                return refusalV4(embedded.get()).map(reason -> reason + " (inside an IPv6 address)");
            }
            return first(REFUSED_V6, bytes);
        }
        return refusalV4(bytes);
    }

    private Optional<String> refusalV4(byte[] bytes) {
        return IPV4_LOOPBACK.contains(bytes) ? loopback() : first(REFUSED_V4, bytes);
    }

    private Optional<String> loopback() {
        return mode == Mode.DEV ? Optional.empty() : Optional.of("loopback");
    }

    private static Optional<byte[]> embeddedIpv4(byte[] v6) {
        if (EMBEDDING_V4.stream().anyMatch(form -> form.contains(v6))) {
            return Optional.of(Arrays.copyOfRange(v6, 12, 16));
        }
        if (SIX_TO_FOUR.contains(v6)) {
            return Optional.of(Arrays.copyOfRange(v6, 2, 6));
        }
        return Optional.empty();
    }

    private static Optional<String> first(List<Range> ranges, byte[] bytes) {
        return ranges.stream().filter(r -> r.contains(bytes)).map(Range::reason).findFirst();
    }

    /**
     * The address `host` denotes if it is an IP literal (`93.184.216.34`, `[::1]`, also the short and octal/hex IPv4
     * forms some resolvers accept), without any DNS lookup; empty for a name.
     */
    public static Optional<InetAddress> literal(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            return Optional.of(InetAddress.ofLiteral(bare));
        } catch (IllegalArgumentException notStandard) {
            try {
                return Optional.of(Inet4Address.ofPosixLiteral(bare));
            } catch (IllegalArgumentException notPosix) {
                return Optional.empty();
            }
        }
    }
}
