package iru.application.passkey;

import com.webauthn4j.converter.exception.DataConversionException;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticatorTransport;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import com.webauthn4j.verifier.exception.VerificationException;
import iru.application.session.Sessions;
import iru.domain.passkey.CeremonyStore.Purpose;
import iru.domain.passkey.Passkey;
import iru.domain.passkey.PasskeyRepository;
import iru.domain.tenant.TenantLocation;
import iru.domain.user.UserRepository;
import iru.domain.user.UserStatus;
import iru.foundation.database.AuditActor;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Usernameless passkey sign-in: the browser asks for a challenge (bound to its pre-session), the authenticator
 * picks one of its discoverable credentials for our rpId, and the assertion is verified by webauthn4j against the
 * credential found by id in this tenant only (signature, challenge, origin, rpId, user presence and verification,
 * sign counter). Success starts a session in the transaction that records the sign-in.
 */
public final class PasskeySignIn {
    private static final String COUNTER_REGRESSION = "counter-regression";

    private final Ceremonies ceremonies;
    private final PasskeyRepository passkeys;
    private final UserRepository users;
    private final Sessions sessions;

    /** A verified sign-in: the new session's cookie value (shown once) and whose it is. */
    public record SignedIn(String sessionCookie, UUID userId) {
        @Override
        public String toString() {
            return "SignedIn[userId=" + userId + "]";
        }
    }

    PasskeySignIn(Ceremonies ceremonies, PasskeyRepository passkeys, UserRepository users, Sessions sessions) {
        this.ceremonies = ceremonies;
        this.passkeys = passkeys;
        this.users = users;
        this.sessions = sessions;
    }

    /** What `navigator.credentials.get` needs: a challenge and the tenant's rpId. */
    public record AssertionOptions(String challenge, String rpId, long timeoutMillis) {
    }

    /** A fresh challenge for `navigator.credentials.get`, answerable once, from this pre-session only. */
    public AssertionOptions options(TenantLocation tenant, String presession) {
        Ceremonies.presessionHash(presession);
        Ceremonies.Issued issued = ceremonies.issueChallenge(tenant, presession, Purpose.authentication,
                Optional.empty());
        return new AssertionOptions(issued.challenge(), issued.rpId(),
                ceremonies.rp.settings.challengeTtl().toMillis());
    }

    /** Verifies an assertion (WebAuthn JSON); refusals are recorded as `signin.failed` with their reason. */
    public SignedIn authenticate(TenantLocation tenant, String presession, String responseJson) {
        Optional<String> subject = Optional.empty();
        Passkey found = null;
        long presented = -1;
        try {
            AuthenticationData data;
            try {
                data = ceremonies.rp.manager.parseAuthenticationResponseJSON(responseJson);
            } catch (DataConversionException | IllegalArgumentException e) {
                throw new CeremonyFailedException("malformed-response");
            }
            if (data.getCollectedClientData() == null || data.getCredentialId() == null) {
                throw new CeremonyFailedException("malformed-response");
            }
            byte[] challenge = data.getCollectedClientData().getChallenge().getValue();
            ceremonies.consumeChallenge(tenant, challenge, presession, Purpose.authentication);
            Passkey passkey = ceremonies.tx.run("FindPasskey", tenant,
                    c -> passkeys.findForSignIn(c, tenant.id(), data.getCredentialId()))
                    .orElseThrow(() -> new CeremonyFailedException("unknown-credential"));
            subject = Optional.of(passkey.userId().toString());
            found = passkey;
            presented = data.getAuthenticatorData() == null ? -1 : data.getAuthenticatorData().getSignCount();
            return ScopedValue.where(AuditActor.CURRENT, "user:" + passkey.userId())
                    .call(() -> verifyAndStart(tenant, data, challenge, passkey.credentialId()));
        } catch (CeremonyFailedException e) {
            ceremonies.recordFailure(tenant, "signin.failed", e, subject);
            if (e.reason().equals(COUNTER_REGRESSION) && found != null) {
                // A counter that went backwards means a cloned authenticator or a replayed assertion.
                ceremonies.recordEvent(tenant, "passkey.counter-regression", subject, Map.of("credentialId",
                        found.id(), "storedCount", Long.toString(found.signCount()), "presentedCount",
                        Long.toString(presented)));
            }
            throw e;
        }
    }

    private SignedIn verifyAndStart(TenantLocation tenant, AuthenticationData data, byte[] challenge,
            byte[] credentialId) {
        return ceremonies.tx.run("SignIn", tenant, c -> {
            // Read again under the counter's row lock: concurrent sign-ins with one credential take turns.
            Passkey passkey = passkeys.findForSignIn(c, tenant.id(), credentialId)
                    .orElseThrow(() -> new CeremonyFailedException("unknown-credential"));
            if (users.find(c, tenant.id(), passkey.userId()).filter(u -> u.status() == UserStatus.active).isEmpty()) {
                throw new CeremonyFailedException("user-inactive");
            }
            byte[] handle = data.getUserHandle();
            if (handle != null && !MessageDigest.isEqual(handle,
                    Base64.getUrlDecoder().decode(PasskeyRegistration.userHandle(passkey.userId())))) {
                throw new CeremonyFailedException("user-handle-mismatch");
            }
            try {
                ceremonies.rp.manager.verify(data, new AuthenticationParameters(RelyingParty.serverProperty(
                        ceremonies.rp.of(c, tenant.id()), challenge), record(passkey), null, true, true));
            } catch (MaliciousCounterValueException e) {
                throw new CeremonyFailedException(COUNTER_REGRESSION);
            } catch (VerificationException e) {
                throw new CeremonyFailedException("verification-failed:" + e.getClass().getSimpleName());
            }
            var authenticator = data.getAuthenticatorData();
            passkeys.recordUse(c, tenant.id(), passkey.credentialId(), authenticator.getSignCount(),
                    authenticator.isFlagBS(), ceremonies.now());
            String cookie = sessions.start(c, tenant.id(), passkey.userId());
            ceremonies.events.append(c, tenant.id(), "signin.succeeded", Optional.of(passkey.userId().toString()),
                    Map.of("credentialId", passkey.id(), "method", "passkey"));
            return new SignedIn(cookie, passkey.userId());
        });
    }

    private CredentialRecordImpl record(Passkey passkey) {
        AttestedCredentialData attested = new AttestedCredentialData(new AAGUID(passkey.aaguid()),
                passkey.credentialId(), ceremonies.rp.decode(passkey.publicKeyCose()));
        return new CredentialRecordImpl(null, true, passkey.backupEligible(), passkey.backupState(),
                passkey.signCount(), attested, null, null, null, passkey.transports().stream()
                .map(AuthenticatorTransport::create).collect(Collectors.toSet()));
    }
}
