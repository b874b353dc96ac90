package iru.launcher;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * An operator's signer written from RFC 9421 for the tests, independent of the server's code: it builds the
 * signature base itself. Each field is a knob an attack test turns.
 */
final class OperatorSigner {
    final PrivateKey key;
    String keyId;
    List<String> components = List.of("@method", "@target-uri", "content-digest");
    String alg = "ed25519";
    long created = Instant.now().getEpochSecond();
    Long expires;
    String nonce = UUID.randomUUID().toString();

    OperatorSigner(PrivateKey key, String keyId) {
        this.key = key;
        this.keyId = keyId;
    }

    static KeyPair newKey() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    static String publicKeyBase64(KeyPair pair) {
        return Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }

    static String contentDigest(String body) throws Exception {
        return "sha-256=:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(body.getBytes(StandardCharsets.UTF_8))) + ":";
    }

    /** A request whose headers sign `signedBody`; it sends `sentBody` with `sentDigest` as Content-Digest. */
    HttpRequest request(String method, URI uri, String signedBody, String sentBody, String sentDigest)
            throws Exception {
        String params = components.stream().map(c -> "\"" + c + "\"").collect(Collectors.joining(" ", "(", ")"))
                + ";created=" + created + (expires == null ? "" : ";expires=" + expires)
                + (keyId == null ? "" : ";keyid=\"" + keyId + "\"") + (alg == null ? "" : ";alg=\"" + alg + "\"")
                + (nonce == null ? "" : ";nonce=\"" + nonce + "\"");
        StringBuilder base = new StringBuilder();
        for (String component : components) {
            String value = switch (component) {
                case "@method" -> method;
                case "@target-uri" -> uri.toString();
                case "@path" -> uri.getRawPath();
                case "content-digest" -> contentDigest(signedBody);
                case "content-type" -> "application/json";
                default -> throw new IllegalArgumentException(component);
            };
            base.append('"').append(component).append("\": ").append(value).append('\n');
        }
        base.append("\"@signature-params\": ").append(params);
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(key);
        signer.update(base.toString().getBytes(StandardCharsets.US_ASCII));
        String signature = Base64.getEncoder().encodeToString(signer.sign());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Signature-Input", "sig=" + params)
                .header("Signature", "sig=:" + signature + ":")
                .header("Content-Digest", sentDigest)
                .method(method, sentBody.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(sentBody));
        if (!sentBody.isEmpty()) {
            request.header("Content-Type", "application/json");
        }
        return request.build();
    }

    HttpRequest request(String method, URI uri, String body) throws Exception {
        return request(method, uri, body, body, contentDigest(body));
    }
}
