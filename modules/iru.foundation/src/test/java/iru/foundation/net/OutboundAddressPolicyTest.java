package iru.foundation.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tenant-supplied hosts cannot reach our own network: every resolved address is checked, in every spelling. */
class OutboundAddressPolicyTest {
    static final List<String> INTERNAL = List.of("10.0.0.1", "172.16.5.4", "192.168.1.1", "100.64.0.1", "169.254.0.9",
            "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1", "::", "fd00::1", "fc00::5", "fe80::1",
            "ff02::1", "::ffff:10.0.0.1", "::ffff:192.168.1.1", "64:ff9b::a00:1", "2002:a00:1::1", "::10.0.0.1");
    static final List<String> LOOPBACK = List.of("127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1");

    /** A resolver that knows only the names the test gives it: no DNS traffic, any name to any address. */
    static OutboundAddressPolicy.HostResolver table(Map<String, List<String>> names) {
        return host -> {
            List<String> addresses = names.get(host);
            if (addresses == null) {
                throw new UnknownHostException(host);
            }
            InetAddress[] resolved = new InetAddress[addresses.size()];
            for (int i = 0; i < resolved.length; i++) {
                resolved[i] = InetAddress.getByAddress(host, InetAddress.ofLiteral(addresses.get(i)).getAddress());
            }
            return resolved;
        };
    }

    static OutboundAddressPolicy policy(OutboundAddressPolicy.Mode mode, Map<String, List<String>> names) {
        return new OutboundAddressPolicy(mode, table(names));
    }

    static boolean refused(OutboundAddressPolicy.Mode mode, String literal) {
        return policy(mode, Map.of()).refusal(InetAddress.ofLiteral(literal)).isPresent();
    }

    @Test
    void refusesEveryInternalRangeInBothModes() {
        for (var mode : OutboundAddressPolicy.Mode.values()) {
            for (String address : INTERNAL) {
                assertTrue(refused(mode, address), mode + " must refuse " + address);
            }
        }
    }

    @Test
    void refusesTheMetadataServiceEvenInDevMode() {
        for (var mode : OutboundAddressPolicy.Mode.values()) {
            assertTrue(refused(mode, "169.254.169.254"), mode.toString());
            assertTrue(refused(mode, "::ffff:169.254.169.254"), mode.toString());
            var policy = policy(mode, Map.of("metadata.attacker.example", List.of("169.254.169.254")));
            var e = assertThrows(OutboundAddressRefusedException.class, () -> policy.vet("metadata.attacker.example"));
            assertTrue(e.getMessage().contains("metadata"), e.getMessage());
        }
    }

    @Test
    void refusesLoopbackInProductionAndAllowsItInDevOnly() {
        for (String address : LOOPBACK) {
            assertTrue(refused(OutboundAddressPolicy.Mode.PRODUCTION, address), address);
            assertEquals(false, refused(OutboundAddressPolicy.Mode.DEV, address), address);
        }
    }

    @Test
    void refusesANameResolvingToLoopbackInProduction() {
        var production = policy(OutboundAddressPolicy.Mode.PRODUCTION, Map.of("scim.attacker.example", List.of("127.0.0.1")));
        var e = assertThrows(OutboundAddressRefusedException.class, () -> production.vet("scim.attacker.example"));
        assertTrue(e.getMessage().contains("127.0.0.1 is loopback"), e.getMessage());
        // The real system resolver too: `localhost` is refused, whatever it resolves to on this machine.
        assertThrows(OutboundAddressRefusedException.class,
                () -> OutboundAddressPolicy.of(OutboundAddressPolicy.Mode.PRODUCTION).vet("localhost"));
    }

    @Test
    void oneInternalAddressAmongPublicOnesRefusesTheWholeName() {
        var policy = policy(OutboundAddressPolicy.Mode.PRODUCTION,
                Map.of("mixed.attacker.example", List.of("93.184.216.34", "2606:2800:220:1::1", "10.0.0.1")));
        var e = assertThrows(OutboundAddressRefusedException.class, () -> policy.vet("mixed.attacker.example"));
        assertTrue(e.getMessage().contains("10.0.0.1"), e.getMessage());
    }

    @Test
    void publicAddressesPass() {
        var policy = policy(OutboundAddressPolicy.Mode.PRODUCTION,
                Map.of("scim.example.com", List.of("93.184.216.34", "2606:2800:220:1::1")));
        assertEquals(2, policy.vet("scim.example.com").size());
        assertEquals(false, refused(OutboundAddressPolicy.Mode.PRODUCTION, "93.184.216.34"));
        assertEquals(false, refused(OutboundAddressPolicy.Mode.PRODUCTION, "8.8.8.8"));
        assertEquals(false, refused(OutboundAddressPolicy.Mode.PRODUCTION, "2606:2800:220:1::1"));
        assertEquals(false, refused(OutboundAddressPolicy.Mode.PRODUCTION, "::ffff:93.184.216.34"));
    }

    @Test
    void unresolvableNameIsRefusedNotGuessed() {
        var policy = policy(OutboundAddressPolicy.Mode.PRODUCTION, Map.of());
        assertThrows(OutboundAddressRefusedException.class, () -> policy.vet("nowhere.example"));
    }

    @Test
    void literalRecognisesAddressSpellingsWithoutResolvingNames() {
        assertEquals("127.0.0.1", OutboundAddressPolicy.literal("127.0.0.1").orElseThrow().getHostAddress());
        assertEquals("127.0.0.1", OutboundAddressPolicy.literal("0x7f.0.0.1").orElseThrow().getHostAddress());
        assertEquals("127.0.0.1", OutboundAddressPolicy.literal("2130706433").orElseThrow().getHostAddress());
        assertEquals("0:0:0:0:0:0:0:1", OutboundAddressPolicy.literal("[::1]").orElseThrow().getHostAddress());
        assertTrue(OutboundAddressPolicy.literal("[::ffff:127.0.0.1]").orElseThrow().isLoopbackAddress());
        assertTrue(OutboundAddressPolicy.literal("scim.example.com").isEmpty());
        assertTrue(OutboundAddressPolicy.literal("localhost").isEmpty());
    }
}
