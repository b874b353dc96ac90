package iru.foundation.net;

/** A tenant-supplied host resolved to an address we must not connect to, or did not resolve at all. */
public final class OutboundAddressRefusedException extends RuntimeException {
    public OutboundAddressRefusedException(String host, String reason) {
        super("outbound connection to '" + host + "' refused: " + reason, null, false, false);
    }
}
