package iru.foundation.crypto;

import java.util.Objects;

/**
 * A value sealed by {@link EnvelopeEncryption}: its own data key wrapped under a key-encryption key, and the value
 * encrypted under that data key, each with AES-256-GCM and a fresh 96-bit nonce. Safe to store next to the data it
 * protects and to journal: without the key-encryption key none of it reveals anything.
 *
 * @param kekId      which key-encryption key wrapped the data key (a fingerprint, never the key)
 * @param keyNonce   nonce of the data-key wrapping
 * @param wrappedKey the data key encrypted under the key-encryption key, with its tag
 * @param nonce      nonce of the value's encryption
 * @param ciphertext the value encrypted under the data key, with its tag
 */
public record SealedSecret(String kekId, byte[] keyNonce, byte[] wrappedKey, byte[] nonce, byte[] ciphertext) {
    public SealedSecret {
        Objects.requireNonNull(kekId, "kekId");
        if (kekId.isBlank() || keyNonce == null || keyNonce.length != EnvelopeEncryption.NONCE_BYTES
                || nonce == null || nonce.length != EnvelopeEncryption.NONCE_BYTES || wrappedKey == null
                || wrappedKey.length != EnvelopeEncryption.KEY_BYTES + EnvelopeEncryption.TAG_BYTES
                || ciphertext == null || ciphertext.length < EnvelopeEncryption.TAG_BYTES) {
            throw new IllegalArgumentException("not a sealed secret: a nonce, the wrapped key or the ciphertext has"
                    + " the wrong length");
        }
        keyNonce = keyNonce.clone();
        wrappedKey = wrappedKey.clone();
        nonce = nonce.clone();
        ciphertext = ciphertext.clone();
    }

    @Override
    public byte[] keyNonce() {
        return keyNonce.clone();
    }

    @Override
    public byte[] wrappedKey() {
        return wrappedKey.clone();
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    @Override
    public String toString() {
        return "SealedSecret[kekId=" + kekId + ", " + ciphertext.length + " bytes]";
    }
}
