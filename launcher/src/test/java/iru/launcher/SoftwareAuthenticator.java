package iru.launcher;

import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.CollectedClientDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.ClientDataType;
import com.webauthn4j.data.client.CollectedClientData;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import iru.foundation.crypto.Digests;
import java.io.ByteArrayOutputStream;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A passkey authenticator in the test: an ES256 key pair and a credential id, producing the registration and
 * assertion responses a browser would send (WebAuthn JSON), built with webauthn4j's own converters and signed with
 * the JDK. Each knob (origin, rpId, flags, counter) can be set wrong to attack the server.
 */
final class SoftwareAuthenticator {
    static final byte UP = 0x01;
    static final byte UV = 0x04;
    static final byte BE = 0x08;
    static final byte AT = 0x40;

    private static final ObjectConverter CONVERTER = new ObjectConverter();
    private final KeyPair keys;
    final byte[] credentialId = new byte[32];
    final UUID aaguid = UUID.randomUUID();
    long counter;
    byte[] userHandle;

    SoftwareAuthenticator() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        keys = generator.generateKeyPair();
        new SecureRandom().nextBytes(credentialId);
    }

    String id() {
        return b64(credentialId);
    }

    /** The registration response for `challenge` (base64url) from `origin` for `rpId`. */
    Map<String, Object> register(String challenge, String origin, String rpId, byte flags, String userHandleB64) {
        userHandle = Base64.getUrlDecoder().decode(userHandleB64);
        AttestedCredentialData attested = new AttestedCredentialData(new AAGUID(aaguid), credentialId,
                EC2COSEKey.create((ECPublicKey) keys.getPublic(), COSEAlgorithmIdentifier.ES256));
        AuthenticatorData<com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput> data =
                new AuthenticatorData<>(Digests.sha256(rpId), (byte) (flags | AT), counter, attested);
        byte[] attestation = new AttestationObjectConverter(CONVERTER).convertToBytes(
                new AttestationObject(data, new NoneAttestationStatement()));
        byte[] clientData = clientData(ClientDataType.WEBAUTHN_CREATE, challenge, origin);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", b64(clientData));
        response.put("attestationObject", b64(attestation));
        response.put("transports", java.util.List.of("internal"));
        return credential(response);
    }

    /** An assertion for `challenge`; the counter is whatever the test set. */
    Map<String, Object> assertion(String challenge, String origin, String rpId, byte flags) throws Exception {
        byte[] authenticatorData = new AuthenticatorDataConverter(CONVERTER).convert(
                new AuthenticatorData<>(Digests.sha256(rpId), flags, counter));
        byte[] clientData = clientData(ClientDataType.WEBAUTHN_GET, challenge, origin);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(keys.getPrivate());
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        signed.write(authenticatorData);
        signed.write(Digests.sha256(clientData));
        signer.update(signed.toByteArray());
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", b64(clientData));
        response.put("authenticatorData", b64(authenticatorData));
        response.put("signature", b64(signer.sign()));
        response.put("userHandle", userHandle == null ? null : b64(userHandle));
        return credential(response);
    }

    private Map<String, Object> credential(Map<String, Object> response) {
        Map<String, Object> credential = new LinkedHashMap<>();
        credential.put("id", id());
        credential.put("rawId", id());
        credential.put("type", "public-key");
        credential.put("response", response);
        credential.put("clientExtensionResults", Map.of());
        return credential;
    }

    private static byte[] clientData(ClientDataType type, String challenge, String origin) {
        return new CollectedClientDataConverter(CONVERTER).convertToBytes(new CollectedClientData(type,
                new DefaultChallenge(Base64.getUrlDecoder().decode(challenge)), new Origin(origin), null));
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
