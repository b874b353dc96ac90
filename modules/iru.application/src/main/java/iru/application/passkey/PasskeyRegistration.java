package iru.application.passkey;

import com.webauthn4j.converter.exception.DataConversionException;
import com.webauthn4j.data.AuthenticatorTransport;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.verifier.exception.VerificationException;
import iru.domain.common.ConflictException;
import iru.domain.common.ResourceNotFoundException;
import iru.domain.common.Text;
import iru.domain.passkey.CeremonyStore.ConsumedChallenge;
import iru.domain.passkey.CeremonyStore.Purpose;
import iru.domain.passkey.Passkey;
import iru.domain.passkey.PasskeyRepository;
import iru.domain.tenant.TenantLocation;
import iru.domain.user.User;
import iru.domain.user.UserRepository;
import iru.domain.user.UserStatus;
import iru.foundation.crypto.Digests;
import iru.foundation.database.AuditActor;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Enrolling a passkey: an administrator creates a one-time link for a user; the person opening it asks for creation
 * options (a challenge bound to their browser) and sends back the authenticator's response, which webauthn4j
 * verifies (challenge, origin, rpId, user presence and verification, algorithm). The credential is stored and the
 * link used up in one transaction.
 */
public final class PasskeyRegistration {
    private final Ceremonies ceremonies;
    private final PasskeyRepository passkeys;
    private final UserRepository users;

    /** A one-time enrollment token and when it stops working. The token is shown once and stored only hashed. */
    public record EnrollmentLink(String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "EnrollmentLink[expiresAt=" + expiresAt + "]";
        }
    }

    /** What `navigator.credentials.create` needs (the interface renders it as PublicKeyCredentialCreationOptions). */
    public record CreationOptions(String challenge, String rpId, String userHandle, String userName,
            String displayName, List<Long> algorithms, List<String> excludeCredentialIds, long timeoutMillis) {
    }

    PasskeyRegistration(Ceremonies ceremonies, PasskeyRepository passkeys, UserRepository users) {
        this.ceremonies = ceremonies;
        this.passkeys = passkeys;
        this.users = users;
    }

    /** Administrator: a link with which `userId` can add one passkey. */
    public EnrollmentLink enroll(TenantLocation tenant, UUID userId) {
        String token = ceremonies.tokens.next();
        Instant now = ceremonies.now();
        Instant expires = now.plus(ceremonies.rp.settings.enrollmentTtl());
        ceremonies.tx.run("CreateEnrollment", tenant, c -> {
            User user = users.find(c, tenant.id(), userId)
                    .orElseThrow(() -> new ResourceNotFoundException("user", userId));
            if (user.status() != UserStatus.active) {
                throw new ConflictException("status", "user " + userId + " is deactivated and cannot enroll a passkey");
            }
            ceremonies.store.createEnrollment(c, tenant.id(), Digests.sha256(token), userId, now, expires);
            ceremonies.events.append(c, tenant.id(), "enrollment.created", Optional.of(userId.toString()),
                    Map.of("expiresAt", expires.toString()));
            return null;
        });
        return new EnrollmentLink(token, expires);
    }

    /** Creation options for the holder of a live enrollment token, bound to their browser's pre-session. */
    public CreationOptions options(TenantLocation tenant, String enrollmentToken, String presession) {
        byte[] enrollment = Ceremonies.tokenHash(enrollmentToken);
        Ceremonies.presessionHash(presession);
        try {
            var found = ceremonies.tx.run("EnrollmentOptions", tenant, c -> {
                UUID userId = ceremonies.store.liveEnrollment(c, tenant.id(), enrollment, ceremonies.now())
                        .orElseThrow(() -> new CeremonyFailedException("unknown-enrollment"));
                User user = users.find(c, tenant.id(), userId).filter(u -> u.status() == UserStatus.active)
                        .orElseThrow(() -> new CeremonyFailedException("user-inactive"));
                List<String> existing = passkeys.listForUser(c, tenant.id(), userId).stream().map(Passkey::id).toList();
                return Map.entry(user, existing);
            });
            User user = found.getKey();
            Ceremonies.Issued issued = ceremonies.issueChallenge(tenant, presession, Purpose.registration,
                    Optional.of(enrollment));
            String shown = user.profile().displayName() != null ? user.profile().displayName() : user.profile().userName();
            return new CreationOptions(issued.challenge(), issued.rpId(), userHandle(user.id()),
                    user.profile().userName(), shown, RelyingParty.ALGORITHM_IDS, found.getValue(),
                    ceremonies.rp.settings.challengeTtl().toMillis());
        } catch (CeremonyFailedException e) {
            ceremonies.recordFailure(tenant, "enrollment.failed", e, Optional.empty());
            throw e;
        }
    }

    /** Verifies an authenticator's registration response (WebAuthn JSON) and stores the passkey. */
    public Passkey register(TenantLocation tenant, String presession, String responseJson, String name) {
        try {
            return verifyAndStore(tenant, presession, responseJson, name);
        } catch (CeremonyFailedException e) {
            ceremonies.recordFailure(tenant, "enrollment.failed", e, Optional.empty());
            throw e;
        }
    }

    private Passkey verifyAndStore(TenantLocation tenant, String presession, String responseJson, String name) {
        String passkeyName = Text.required("name", name, 100);
        RegistrationData data;
        try {
            data = ceremonies.rp.manager.parseRegistrationResponseJSON(responseJson);
        } catch (DataConversionException | IllegalArgumentException e) {
            throw new CeremonyFailedException("malformed-response");
        }
        if (data.getCollectedClientData() == null || data.getAttestationObject() == null) {
            throw new CeremonyFailedException("malformed-response");
        }
        byte[] challenge = data.getCollectedClientData().getChallenge().getValue();
        ConsumedChallenge consumed = ceremonies.consumeChallenge(tenant, challenge, presession, Purpose.registration);
        byte[] enrollment = consumed.enrollmentHash().orElseThrow(() -> new CeremonyFailedException("no-enrollment"));
        Instant now = ceremonies.now();
        var found = ceremonies.tx.run("FindEnrollment", tenant, c -> Map.entry(
                ceremonies.store.liveEnrollment(c, tenant.id(), enrollment, now), ceremonies.rp.of(c, tenant.id())));
        UUID enrolling = found.getKey().orElseThrow(() -> new CeremonyFailedException("enrollment-used-or-expired"));
        try {
            ceremonies.rp.manager.verify(data, new RegistrationParameters(
                    RelyingParty.serverProperty(found.getValue(), challenge), RelyingParty.ALGORITHMS, true, true));
        } catch (VerificationException e) {
            throw new CeremonyFailedException("verification-failed:" + e.getClass().getSimpleName());
        }
        AuthenticatorData<?> authenticator = data.getAttestationObject().getAuthenticatorData();
        AttestedCredentialData credential = authenticator.getAttestedCredentialData();
        // The person enrolling is the actor of the new passkey's journal entry and events.
        return ScopedValue.where(AuditActor.CURRENT, "user:" + enrolling).call(() ->
                ceremonies.tx.run("RegisterPasskey", tenant, c -> {
            UUID userId = ceremonies.store.consumeEnrollment(c, tenant.id(), enrollment, now)
                    .filter(enrolling::equals)
                    .orElseThrow(() -> new CeremonyFailedException("enrollment-used-or-expired"));
            if (users.find(c, tenant.id(), userId).filter(u -> u.status() == UserStatus.active).isEmpty()) {
                throw new CeremonyFailedException("user-inactive");
            }
            if (passkeys.exists(c, tenant.id(), credential.getCredentialId())) {
                throw new CeremonyFailedException("credential-already-registered");
            }
            Set<AuthenticatorTransport> transports = data.getTransports() == null ? Set.of() : data.getTransports();
            Passkey passkey = new Passkey(credential.getCredentialId(), userId,
                    ceremonies.rp.encode(credential.getCOSEKey()), credential.getAaguid().getValue(),
                    authenticator.isFlagBE(), authenticator.isFlagBS(), authenticator.getSignCount(),
                    transports.stream().map(AuthenticatorTransport::getValue).sorted().toList(), passkeyName, now,
                    Optional.empty());
            passkeys.insert(c, tenant.id(), passkey);
            ceremonies.events.append(c, tenant.id(), "enrollment.used", Optional.of(userId.toString()), Map.of());
            ceremonies.events.append(c, tenant.id(), "passkey.added", Optional.of(userId.toString()),
                    Map.of("credentialId", passkey.id(), "name", passkey.name(), "aaguid", passkey.aaguid().toString(),
                            "backupEligible", Boolean.toString(passkey.backupEligible())));
            return passkey;
        }));
    }

    /** The WebAuthn user handle of a user: the 16 bytes of their (random) id, no personal data. */
    static String userHandle(UUID userId) {
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(userId.getMostSignificantBits())
                .putLong(userId.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }
}
