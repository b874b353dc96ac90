package iru.interfaces.control.signature;

import com.fasterxml.jackson.databind.JsonNode;
import iru.foundation.logging.StructuredLog;
import iru.foundation.secrets.SecretStore;
import iru.foundation.secrets.SecretUnavailableException;
import iru.interfaces.http.Json;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Ed25519 public keys of the operators allowed to sign control-plane requests, from the secret `operator-keys`:
 * a JSON object mapping each key id to its public key, either PEM (`-----BEGIN PUBLIC KEY-----`, SPKI) or base64 of
 * the SPKI DER or of the raw 32-byte key. Read through the (caching) store on each request, so adding or removing an
 * operator takes effect within the cache's time to live.
 *
 * <p>Only the secret's current value counts: a rotation grace is for a token the holder must switch, but a key taken
 * out of this map is an operator removed, and must stop working now. An entry that is not a valid Ed25519 key, like
 * an unreadable registry, authenticates nobody and is logged.
 */
public final class OperatorKeys {
    public static final String SECRET = "operator-keys";
    /** Key ids end up in audit actors (`control:operator:<keyid>`), so they are kept to a plain alphabet. */
    public static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final StructuredLog LOG = StructuredLog.of(OperatorKeys.class);
    /** SPKI DER prefix of an Ed25519 key (RFC 8410): SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (33) }. */
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03,
        0x21, 0x00};

    private final SecretStore secrets;

    public OperatorKeys(SecretStore secrets) {
        this.secrets = secrets;
    }

    /** The key registered under `keyId`, if any. */
    public Optional<PublicKey> find(String keyId) {
        if (!KEY_ID.matcher(keyId).matches()) {
            return Optional.empty();
        }
        JsonNode registry;
        try {
            registry = Json.MAPPER.readTree(secrets.fetch(SECRET).current().reveal());
        } catch (SecretUnavailableException e) {
            LOG.warn("operator-keys.unavailable", Map.of("reason", e.getMessage()));
            return Optional.empty();
        } catch (IOException e) {
            LOG.error("operator-keys.malformed", Map.of("reason", "not JSON"), null);
            return Optional.empty();
        }
        if (!registry.isObject()) {
            LOG.error("operator-keys.malformed", Map.of("reason", "not a JSON object of key id to public key"), null);
            return Optional.empty();
        }
        JsonNode entry = registry.get(keyId);
        if (entry == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(entry.asText("")));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            LOG.error("operator-keys.malformed", Map.of("reason", "entry is not an Ed25519 public key",
                    "key_id", keyId), null);
            return Optional.empty();
        }
    }

    /** An Ed25519 public key from PEM, base64 SPKI DER or base64 of the raw 32 bytes. */
    public static PublicKey parse(String text) throws GeneralSecurityException {
        String body = text.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "")
                .replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(body);
        if (der.length == 32) {
            byte[] spki = new byte[ED25519_SPKI_PREFIX.length + 32];
            System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
            System.arraycopy(der, 0, spki, ED25519_SPKI_PREFIX.length, 32);
            der = spki;
        }
        // The Ed25519 factory refuses any other key type (Ed448, RSA, EC), so a wrong key cannot slip in here.
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    }
}
