package iru.foundation.crypto;

import iru.foundation.secrets.Secret;
import iru.foundation.secrets.SecretStore;
import iru.foundation.secrets.SecretUnavailableException;
import iru.foundation.secrets.SecretVersions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption with AES-256-GCM (JDK only). Each value gets a fresh 256-bit data key; the data key is wrapped
 * under the key-encryption key (KEK) held in the secret store, never in the database. Both encryptions take the
 * caller's associated data (e.g. tenant id and key id), so a sealed value copied to another row, tenant or key does
 * not open. The KEK is fetched on every seal and open (pass a caching store to avoid that); during a rotation a value
 * sealed under the previous KEK still opens while the store accepts the previous version, and {@link #rewrap}
 * moves it to the current one.
 *
 * <p>The secret's value is the KEK as standard base64 of exactly 32 bytes.
 */
public final class EnvelopeEncryption {
    static final int KEY_BYTES = 32;
    static final int NONCE_BYTES = 12;
    static final int TAG_BYTES = 16;
    private static final int TAG_BITS = TAG_BYTES * 8;
    private static final byte[] WRAP_DOMAIN = "iru-envelope/v1/data-key|".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DATA_DOMAIN = "iru-envelope/v1/data|".getBytes(StandardCharsets.UTF_8);

    private final SecretStore secrets;
    private final String kekName;
    private final SecureRandom random;

    public EnvelopeEncryption(SecretStore secrets, String kekName, SecureRandom random) {
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.kekName = Objects.requireNonNull(kekName, "kekName");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Fetches and checks the KEK now, so a process without one refuses to start instead of failing later. */
    public String requireKek() {
        return current().id();
    }

    /** Seals `plaintext` under a fresh data key wrapped by the current KEK, bound to `associatedData`. */
    public SealedSecret seal(byte[] plaintext, byte[] associatedData) {
        Kek kek = current();
        byte[] dataKey = new byte[KEY_BYTES];
        random.nextBytes(dataKey);
        try {
            byte[] keyNonce = nonce();
            byte[] wrapped = gcm(Cipher.ENCRYPT_MODE, kek.key(), keyNonce, concat(WRAP_DOMAIN, associatedData), dataKey);
            byte[] nonce = nonce();
            byte[] ciphertext = gcm(Cipher.ENCRYPT_MODE, dataKey, nonce, concat(DATA_DOMAIN, associatedData), plaintext);
            return new SealedSecret(kek.id(), keyNonce, wrapped, nonce, ciphertext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to encrypt", e);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
            kek.destroy();
        }
    }

    /** The plaintext of `sealed`, if it authenticates under `associatedData`; the caller wipes it after use. */
    public byte[] open(SealedSecret sealed, byte[] associatedData) {
        Kek kek = kekFor(sealed);
        byte[] dataKey = unwrap(kek, sealed, associatedData);
        try {
            return gcm(Cipher.DECRYPT_MODE, dataKey, sealed.nonce(), concat(DATA_DOMAIN, associatedData),
                    sealed.ciphertext());
        } catch (AEADBadTagException e) {
            throw new EnvelopeDecryptionException("the sealed value does not authenticate: altered, or moved from"
                    + " another context", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to decrypt", e);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** Whether `sealed` is wrapped by the current KEK (else {@link #rewrap} it while the previous one is accepted). */
    public boolean isCurrent(SealedSecret sealed) {
        Kek kek = current();
        try {
            return kek.id().equals(sealed.kekId());
        } finally {
            kek.destroy();
        }
    }

    /** `sealed` with its data key re-wrapped under the current KEK; the ciphertext itself is unchanged. */
    public SealedSecret rewrap(SealedSecret sealed, byte[] associatedData) {
        byte[] dataKey = unwrap(kekFor(sealed), sealed, associatedData);
        Kek kek = current();
        try {
            byte[] keyNonce = nonce();
            byte[] wrapped = gcm(Cipher.ENCRYPT_MODE, kek.key(), keyNonce, concat(WRAP_DOMAIN, associatedData), dataKey);
            return new SealedSecret(kek.id(), keyNonce, wrapped, sealed.nonce(), sealed.ciphertext());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to encrypt", e);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
            kek.destroy();
        }
    }

    private byte[] unwrap(Kek kek, SealedSecret sealed, byte[] associatedData) {
        try {
            return gcm(Cipher.DECRYPT_MODE, kek.key(), sealed.keyNonce(), concat(WRAP_DOMAIN, associatedData),
                    sealed.wrappedKey());
        } catch (AEADBadTagException e) {
            throw new EnvelopeDecryptionException("the wrapped data key does not authenticate: altered, or moved"
                    + " from another context", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to decrypt", e);
        } finally {
            kek.destroy();
        }
    }

    private Kek current() {
        return parse(secrets.fetch(kekName).current());
    }

    /** The accepted KEK (current, or previous within its grace) whose fingerprint the sealed value names. */
    private Kek kekFor(SealedSecret sealed) {
        SecretVersions versions = secrets.fetch(kekName);
        List<Kek> candidates = new ArrayList<>(2);
        for (Secret secret : versions.acceptable()) {
            candidates.add(parse(secret));
        }
        Kek match = null;
        for (Kek candidate : candidates) {
            if (match == null && candidate.id().equals(sealed.kekId())) {
                match = candidate;
            } else {
                candidate.destroy();
            }
        }
        if (match == null) {
            throw new EnvelopeDecryptionException("sealed under key-encryption key " + sealed.kekId()
                    + ", which is neither the current nor an accepted previous version of '" + kekName + "'", null);
        }
        return match;
    }

    private Kek parse(Secret secret) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.reveal().strip());
        } catch (IllegalArgumentException e) {
            throw new SecretUnavailableException(kekName, "the key-encryption key must be standard base64 of "
                    + KEY_BYTES + " random bytes", null);
        }
        if (key.length != KEY_BYTES) {
            Arrays.fill(key, (byte) 0);
            throw new SecretUnavailableException(kekName, "the key-encryption key must be " + KEY_BYTES
                    + " bytes (base64), e.g. `head -c 32 /dev/urandom | base64`", null);
        }
        return new Kek(fingerprint(key), key);
    }

    /** A stable name for a KEK that reveals nothing of it: a truncated SHA-256 under a label of its own. */
    static String fingerprint(byte[] key) {
        byte[] digest = Digests.sha256("iru-kek-id/v1|".getBytes(StandardCharsets.UTF_8), key);
        return "kek-" + HexFormat.of().formatHex(digest, 0, 8);
    }

    private byte[] nonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        return nonce;
    }

    private static byte[] gcm(int mode, byte[] key, byte[] nonce, byte[] aad, byte[] input)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(aad);
        return cipher.doFinal(input);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private record Kek(String id, byte[] key) {
        void destroy() {
            Arrays.fill(key, (byte) 0);
        }

        @Override
        public String toString() {
            return "Kek[" + id + "]";
        }
    }
}
