package iru.interfaces.control.signature;

import iru.application.operator.OperatorRequestNonces;
import iru.interfaces.control.signature.SignatureRejectedException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Authenticates an operator's request signed with HTTP Message Signatures (RFC 9421) and an Ed25519 key from
 * {@link OperatorKeys}. Policy on top of the RFC: the signature must cover `@method`, `@target-uri` and
 * `content-digest` (whose digest must match the body received), carry `created`, `keyid`, `alg="ed25519"` and a
 * `nonce`, be created within the window around now (and before `expires`, if given), and its nonce must not have been
 * used by that key within the window, on any instance. The nonce is claimed last, so only a request that is valid in
 * every other way uses one up.
 */
public final class OperatorSignatureVerifier {
    public static final String ALGORITHM = "ed25519";
    public static final List<String> REQUIRED_COMPONENTS = List.of("@method", "@target-uri", "content-digest");

    /** An authenticated operator. */
    public record VerifiedOperator(String keyId) {
        public VerifiedOperator {
            Objects.requireNonNull(keyId, "keyId");
        }
    }

    private final OperatorKeys keys;
    private final OperatorRequestNonces nonces;
    private final Clock clock;
    private final Duration window;

    /**
     * @param window how far `created` may lie from now, either way; nonces are remembered as long as a request
     *               could still be accepted
     */
    public OperatorSignatureVerifier(OperatorKeys keys, OperatorRequestNonces nonces, Clock clock, Duration window) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.nonces = Objects.requireNonNull(nonces, "nonces");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.window = Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive");
        }
    }

    public VerifiedOperator verify(SignedMessage message) throws SignatureRejectedException {
        String inputField = message.field("signature-input").orElseThrow(() -> new SignatureRejectedException(
                Reason.MALFORMED_SIGNATURE, "Signature-Input is missing"));
        String signatureField = message.field("signature").orElseThrow(() -> new SignatureRejectedException(
                Reason.MALFORMED_SIGNATURE, "Signature is missing"));
        SignatureInput input = SignatureInput.parse(inputField, signatureField);
        for (String required : REQUIRED_COMPONENTS) {
            if (!input.components().contains(required)) {
                throw new SignatureRejectedException(Reason.MISSING_COMPONENT,
                        "the signature must cover " + String.join(", ", REQUIRED_COMPONENTS) + " (lacks " + required
                                + ")");
            }
        }
        String alg = input.alg().orElseThrow(() -> new SignatureRejectedException(Reason.UNSUPPORTED_ALGORITHM,
                "the signature must declare alg=\"" + ALGORITHM + "\""));
        if (!alg.equals(ALGORITHM)) {
            throw new SignatureRejectedException(Reason.UNSUPPORTED_ALGORITHM,
                    "alg \"" + alg + "\" is not supported; use \"" + ALGORITHM + "\"");
        }
        String keyId = required(input.keyId().orElse(null), "keyid", OperatorRequestNonces.MAX_KEY_ID_LENGTH);
        String nonce = required(input.nonce().orElse(null), "nonce", OperatorRequestNonces.MAX_NONCE_LENGTH);
        Instant created = Instant.ofEpochSecond(input.created().orElseThrow(() -> new SignatureRejectedException(
                Reason.MISSING_PARAMETER, "the signature must carry 'created'")));
        checkTime(created, input);
        PublicKey key = keys.find(keyId).orElseThrow(() -> new SignatureRejectedException(Reason.UNKNOWN_KEY,
                "no operator key is registered as '" + keyId + "'"));
        String base = SignatureBase.of(message, input);
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(base)) {
            throw new SignatureRejectedException(Reason.MALFORMED_SIGNATURE,
                    "a covered component holds characters outside US-ASCII (RFC 9421 §2.5)");
        }
        if (!verifies(key, base, input.signature())) {
            throw new SignatureRejectedException(Reason.BAD_SIGNATURE,
                    "the signature does not verify with key '" + keyId + "'");
        }
        ContentDigest.verify(message.field("content-digest").orElseThrow(), message.body());
        if (!nonces.claim(keyId, nonce, created.plus(window))) {
            throw new SignatureRejectedException(Reason.REPLAYED_NONCE, "this nonce was already used by '" + keyId
                    + "'; sign every request with a fresh nonce");
        }
        return new VerifiedOperator(keyId);
    }

    private void checkTime(Instant created, SignatureInput input) throws SignatureRejectedException {
        Instant now = clock.instant();
        if (created.isAfter(now.plus(window))) {
            throw new SignatureRejectedException(Reason.NOT_YET_VALID,
                    "'created' lies more than " + window.toSeconds() + " s in the future; check the signer's clock");
        }
        if (created.isBefore(now.minus(window))) {
            throw new SignatureRejectedException(Reason.EXPIRED,
                    "'created' is more than " + window.toSeconds() + " s old; sign the request anew");
        }
        if (input.expires().isPresent() && !now.isBefore(Instant.ofEpochSecond(input.expires().get()))) {
            throw new SignatureRejectedException(Reason.EXPIRED, "the signature's 'expires' has passed");
        }
    }

    private static String required(String value, String parameter, int maxLength) throws SignatureRejectedException {
        if (value == null) {
            throw new SignatureRejectedException(Reason.MISSING_PARAMETER,
                    "the signature must carry '" + parameter + "'");
        }
        if (value.isEmpty() || value.length() > maxLength) {
            throw new SignatureRejectedException(Reason.MALFORMED_SIGNATURE,
                    "'" + parameter + "' must be 1 to " + maxLength + " characters");
        }
        return value;
    }

    private static boolean verifies(PublicKey key, String base, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(base.getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(signature);
        } catch (SignatureException e) {
            // A signature of the wrong length or encoding: the JDK reports it rather than answering false.
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 verification is unavailable", e);
        }
    }
}
