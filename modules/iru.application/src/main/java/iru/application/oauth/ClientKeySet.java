package iru.application.oauth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.text.ParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The public keys a client signs its `private_key_jwt` assertions with: at most {@link #MAX_KEYS} public EC P-256
 * (ES256) or RSA ≥ 2048-bit (RS256, PS256) signing keys with distinct `kid`s. A private or symmetric key, another
 * curve or key type (EdDSA needs Google Tink under Nimbus, which we do not ship), an encryption key or an `alg` the
 * key cannot make is refused: a client registering its private key would have leaked it, and an `oct` key would
 * turn the public registration into a shared secret.
 */
public record ClientKeySet(JWKSet keys) {
    public static final int MAX_KEYS = 10;
    public static final int MIN_RSA_BITS = 2048;
    /** The algorithms a client assertion may be signed with; never `none`, never an HMAC. */
    public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256,
            JWSAlgorithm.PS256);

    public ClientKeySet {
        Objects.requireNonNull(keys, "keys");
        List<JWK> list = keys.getKeys();
        if (list.size() > MAX_KEYS) {
            throw new InvalidClientKeysException("at most " + MAX_KEYS + " keys may be registered");
        }
        Set<String> kids = new HashSet<>();
        for (JWK key : list) {
            check(key);
            if (key.getKeyID() != null && !kids.add(key.getKeyID())) {
                throw new InvalidClientKeysException("kid '" + key.getKeyID() + "' is used by two keys");
            }
        }
    }

    /** Parses a JWK set document (RFC 7517 §5) and checks it. */
    public static ClientKeySet parse(String json) {
        try {
            return new ClientKeySet(JWKSet.parse(json));
        } catch (ParseException e) {
            throw new InvalidClientKeysException("not a JWK set: " + e.getMessage());
        }
    }

    public boolean isEmpty() {
        return keys.getKeys().isEmpty();
    }

    /** The set as JSON, public parameters only. */
    public String toJson() {
        return keys.toString(true);
    }

    private static void check(JWK key) {
        String name = key.getKeyID() == null ? "a key" : "key '" + key.getKeyID() + "'";
        if (key.isPrivate()) {
            throw new InvalidClientKeysException(name + " is private: register only the public key");
        }
        if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
            throw new InvalidClientKeysException(name + " is not a signing key (use must be sig)");
        }
        switch (key) {
            case ECKey ec when Curve.P_256.equals(ec.getCurve()) -> requireAlgorithm(name, key, Set.of(
                    JWSAlgorithm.ES256));
            case RSAKey rsa when rsa.size() >= MIN_RSA_BITS -> requireAlgorithm(name, key, Set.of(
                    JWSAlgorithm.RS256, JWSAlgorithm.PS256));
            case RSAKey rsa -> throw new InvalidClientKeysException(name + " is an RSA key of " + rsa.size()
                    + " bits; at least " + MIN_RSA_BITS + " are required");
            default -> throw new InvalidClientKeysException(name + " is of type " + key.getKeyType()
                    + (key instanceof ECKey ec ? " on curve " + ec.getCurve() : "")
                    + "; only public EC P-256 (ES256) and RSA (RS256, PS256) keys are accepted");
        }
    }

    private static void requireAlgorithm(String name, JWK key, Set<JWSAlgorithm> possible) {
        if (key.getAlgorithm() != null && !possible.contains(JWSAlgorithm.parse(key.getAlgorithm().getName()))) {
            throw new InvalidClientKeysException(name + " names alg " + key.getAlgorithm() + ", which it cannot make"
                    + " or which is not accepted (" + possible + ")");
        }
    }
}
