package iru.application.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Objects;

/**
 * Signs JWTs with one tenant's active key (ES256, `kid` in the header), so relying parties find the verifying key in
 * the tenant's JWKS. Thread-safe; holds the decrypted private key, so it is kept only briefly and never printed.
 */
public final class TokenSigner {
    private final String kid;
    private final JWSSigner signer;

    TokenSigner(String kid, JWSSigner signer) {
        this.kid = Objects.requireNonNull(kid, "kid");
        this.signer = Objects.requireNonNull(signer, "signer");
    }

    /** The key id every token this signer makes carries. */
    public String kid() {
        return kid;
    }

    /** `claims` as a signed JWT (`typ` JWT); call {@link SignedJWT#serialize()} for the compact form. */
    public SignedJWT sign(JWTClaimsSet claims) {
        return sign(claims, JOSEObjectType.JWT);
    }

    /** `claims` signed with the given `typ` header (e.g. `at+jwt` for RFC 9068 access tokens). */
    public SignedJWT sign(JWTClaimsSet claims, JOSEObjectType type) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).type(type).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("ES256 signing failed for key " + kid, e);
        }
        return jwt;
    }

    @Override
    public String toString() {
        return "TokenSigner[kid=" + kid + "]";
    }
}
