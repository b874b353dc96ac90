package iru.interfaces.control.signature;

import iru.interfaces.control.signature.SignatureRejectedException.Reason;
import java.util.Locale;
import java.util.Set;

/**
 * The signature base of RFC 9421 §2.5: one line per covered component, `"<identifier>": <value>`, in the order the
 * signer listed them, then the `@signature-params` line, joined by LF with no trailing LF. Derived components are
 * computed as §2.2 defines; a field's value is its lines trimmed and joined by `, ` (§2.1).
 */
public final class SignatureBase {
    /** The derived components this verifier computes; others are refused rather than guessed at. */
    public static final Set<String> DERIVED = Set.of("@method", "@target-uri", "@authority", "@scheme",
            "@request-target", "@path", "@query");

    private SignatureBase() {
    }

    public static String of(SignedMessage message, SignatureInput input) throws SignatureRejectedException {
        StringBuilder base = new StringBuilder();
        for (String component : input.components()) {
            base.append('"').append(component).append("\": ").append(value(message, component)).append('\n');
        }
        return base.append("\"@signature-params\": ").append(input.signatureParams()).toString();
    }

    private static String value(SignedMessage message, String component) throws SignatureRejectedException {
        if (!component.startsWith("@")) {
            String value = message.field(component).orElseThrow(() -> new SignatureRejectedException(
                    Reason.MISSING_COMPONENT, "the signature covers '" + component + "', which the request lacks"));
            if (value.chars().anyMatch(ch -> ch == '\n' || ch == '\r')) {
                throw new SignatureRejectedException(Reason.MALFORMED_SIGNATURE,
                        "field '" + component + "' holds a line break");
            }
            return value;
        }
        return switch (component) {
            case "@method" -> message.method();
            case "@target-uri" -> message.targetUri();
            case "@authority" -> authority(message);
            case "@scheme" -> message.scheme();
            case "@request-target" -> message.requestTarget();
            case "@path" -> message.path();
            case "@query" -> "?" + message.rawQuery().orElse("");
            default -> throw new SignatureRejectedException(Reason.UNSUPPORTED_COMPONENT,
                    "derived component '" + component + "' is not supported (supported: "
                            + String.join(", ", DERIVED.stream().sorted().toList()) + ")");
        };
    }

    /** Lowercase, without the scheme's default port (RFC 9421 §2.2.3). */
    private static String authority(SignedMessage message) {
        String authority = message.authority().toLowerCase(Locale.ROOT);
        String defaultPort = message.scheme().equals("https") ? ":443" : message.scheme().equals("http") ? ":80" : null;
        return defaultPort != null && authority.endsWith(defaultPort)
                ? authority.substring(0, authority.length() - defaultPort.length()) : authority;
    }
}
