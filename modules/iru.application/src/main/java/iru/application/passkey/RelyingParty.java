package iru.application.passkey;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.attestation.authenticator.COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import iru.domain.tenant.TenantId;
import iru.domain.tenant.TenantRecords;
import iru.foundation.config.SignInSettings;
import java.sql.Connection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The WebAuthn relying party the tenant plane is, and the one place that holds webauthn4j: its (non-strict: no
 * attestation trust decisions, `none` accepted) manager, the rpId and origins each ceremony is checked against (the
 * tenant's own, read in the ceremony's transaction, else the deployment's), and the algorithms we accept. All CBOR
 * and attestation parsing is webauthn4j's.
 */
final class RelyingParty {
    /** ES256, EdDSA, RS256 in the order we prefer them (COSE identifiers -7, -8, -257). */
    static final List<PublicKeyCredentialParameters> ALGORITHMS = List.of(
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.EdDSA),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.RS256));
    static final List<Long> ALGORITHM_IDS = List.of(-7L, -8L, -257L);

    final ObjectConverter converter = new ObjectConverter();
    final WebAuthnManager manager = WebAuthnManager.createNonStrictWebAuthnManager(converter);
    final SignInSettings settings;
    private final TenantRecords tenants;
    private final Identity deployment;

    /** The rpId and origins one tenant's ceremonies are checked against. */
    record Identity(String rpId, Set<Origin> origins) {
        static Identity of(String rpId, List<String> origins) {
            return new Identity(rpId, origins.stream().map(Origin::create).collect(Collectors.toUnmodifiableSet()));
        }
    }

    RelyingParty(SignInSettings settings, TenantRecords tenants) {
        this.settings = settings;
        this.tenants = tenants;
        this.deployment = Identity.of(settings.rpId(), settings.origins());
    }

    /** The tenant's relying party as of this transaction: a change applies to the next ceremony on every instance. */
    Identity of(Connection c, TenantId tenant) {
        return tenants.relyingParty(c, tenant).map(rp -> Identity.of(rp.rpId(), rp.origins())).orElse(deployment);
    }

    static ServerProperty serverProperty(Identity identity, byte[] challenge) {
        return new ServerProperty(identity.origins(), identity.rpId(), new DefaultChallenge(challenge));
    }

    byte[] encode(COSEKey key) {
        return converter.getCborConverter().writeValueAsBytes(key);
    }

    COSEKey decode(byte[] cose) {
        return converter.getCborConverter().readValue(cose, COSEKey.class);
    }
}
