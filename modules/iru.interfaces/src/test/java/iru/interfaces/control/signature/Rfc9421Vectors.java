package iru.interfaces.control.signature;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The example request and Ed25519 test key of RFC 9421 (Appendix B.1.4 and B.2), copied from the RFC. */
final class Rfc9421Vectors {
    static final String PUBLIC_KEY_PEM = """
            -----BEGIN PUBLIC KEY-----
            MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
            -----END PUBLIC KEY-----
            """;
    static final String PRIVATE_KEY_PKCS8 = "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF";
    static final String BODY = "{\"hello\": \"world\"}";
    static final String CONTENT_DIGEST = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyea"
            + "ldVLvRwEmTHWXvJwew==:";

    /** B.2.6: the signature input and signature over the B.2 request. */
    static final String B26_SIGNATURE_INPUT = "sig-b26=(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\""
            + " \"content-length\");created=1618884473;keyid=\"test-key-ed25519\"";
    static final String B26_SIGNATURE = "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vu"
            + "Qv5lIp5WPpBKRCw==:";
    static final String B26_SIGNATURE_BASE = """
            "date": Tue, 20 Apr 2021 02:07:55 GMT
            "@method": POST
            "@path": /foo
            "@authority": example.com
            "content-type": application/json
            "content-length": 18
            "@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length")\
            ;created=1618884473;keyid="test-key-ed25519\"""";

    private Rfc9421Vectors() {
    }

    /** The B.2 request `POST /foo?param=Value&Pet=dog` to example.com, with extra fields added. */
    static SignedMessage request(Map<String, List<String>> extraFields) {
        var fields = new java.util.HashMap<String, List<String>>(Map.of(
                "host", List.of("example.com"),
                "date", List.of("Tue, 20 Apr 2021 02:07:55 GMT"),
                "content-type", List.of("application/json"),
                "content-digest", List.of(CONTENT_DIGEST),
                "content-length", List.of("18")));
        fields.putAll(extraFields);
        return new SignedMessage("POST", "https", "example.com", "/foo", Optional.of("param=Value&Pet=dog"), fields,
                BODY.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
