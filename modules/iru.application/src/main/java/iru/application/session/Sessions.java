package iru.application.session;

import iru.application.identity.TenantTransactions;
import iru.domain.common.ResourceNotFoundException;
import iru.domain.event.SecurityEventLog;
import iru.domain.oauth.OAuthGrantRepository;
import iru.domain.session.LiveSession;
import iru.domain.session.SessionRepository;
import iru.domain.tenant.TenantId;
import iru.domain.tenant.TenantLocation;
import iru.domain.user.UserRepository;
import iru.foundation.config.SignInSettings;
import iru.foundation.crypto.Digests;
import iru.foundation.crypto.RandomTokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Server-side sessions of people signed in to a tenant. The cookie value ({@link #COOKIE}) is 256 random bits; only
 * its SHA-256 hash is stored. A session ends after {@link SignInSettings#sessionIdle()} without use or
 * {@link SignInSettings#sessionAbsolute()} after sign-in, whichever comes first, on sign-out, on revocation, and as
 * soon as its user is deactivated or deleted.
 *
 * This is the API other tenant-plane features (the OIDC authorize endpoint) use to find who is signed in:
 * {@link #current(TenantLocation, String)}.
 */
public final class Sessions {
    /** The session cookie: `__Host-` so that it is host-only, `Path=/` and `Secure`, and no subdomain can set it. */
    public static final String COOKIE = "__Host-iru_session";

    private final TenantTransactions tx;
    private final SessionRepository sessions;
    private final OAuthGrantRepository grants;
    private final UserRepository users;
    private final SecurityEventLog events;
    private final RandomTokens tokens;
    private final SignInSettings settings;
    private final Clock clock;

    public Sessions(TenantTransactions tx, SessionRepository sessions, OAuthGrantRepository grants, UserRepository users,
            SecurityEventLog events, RandomTokens tokens, SignInSettings settings, Clock clock) {
        this.tx = tx;
        this.sessions = sessions;
        this.grants = grants;
        this.users = users;
        this.events = events;
        this.tokens = tokens;
        this.settings = settings;
        this.clock = clock;
    }

    /** Who is signed in with this cookie value: pushes the idle deadline forward (never past the absolute one). */
    public Optional<SignedInUser> current(TenantLocation tenant, String cookieValue) {
        if (!RandomTokens.wellFormed(cookieValue)) {
            return Optional.empty();
        }
        Optional<LiveSession> live = tx.run("CurrentSession", tenant, c -> sessions.touch(c, tenant.id(),
                Digests.sha256(cookieValue), now(), settings.sessionIdle()));
        return live.map(s -> new SignedInUser(s.userId(), s.userName(), s.displayName(), s.expiresAt()));
    }

    /** Starts a session for `userId` in the caller's transaction; returns the cookie value (shown once). */
    public String start(Connection c, TenantId tenant, UUID userId) throws SQLException {
        String value = tokens.next();
        sessions.insert(c, tenant, Digests.sha256(value), userId, now(), settings.sessionIdle(),
                settings.sessionAbsolute());
        return value;
    }

    /**
     * Sign-out (the account page, or RP-initiated logout): ends the session this cookie names, if it is one, and
     * revokes the OAuth grants issued under it (their refresh tokens with them).
     */
    public void end(TenantLocation tenant, String cookieValue, UUID userId) {
        if (!RandomTokens.wellFormed(cookieValue)) {
            return;
        }
        byte[] hash = Digests.sha256(cookieValue);
        tx.run("SignOut", tenant, c -> {
            boolean ended = sessions.delete(c, tenant.id(), hash);
            int revoked = grants.deleteGrantsOfSession(c, tenant.id(), hash);
            if (ended || revoked > 0) {
                events.append(c, tenant.id(), "signout", Optional.of(userId.toString()),
                        Map.of("grantsRevoked", Integer.toString(revoked)));
            }
            return null;
        });
    }

    /**
     * Administrator: ends every session of a user of this tenant and revokes every OAuth grant of the user (all
     * refresh tokens, whatever session they came from); returns how many sessions there were.
     */
    public int revokeAll(TenantLocation tenant, UUID userId) {
        return tx.run("RevokeSessions", tenant, c -> {
            if (users.find(c, tenant.id(), userId).isEmpty()) {
                throw new ResourceNotFoundException("user", userId);
            }
            int ended = sessions.deleteForUser(c, tenant.id(), userId);
            int revoked = grants.deleteGrantsOfUser(c, tenant.id(), userId);
            events.append(c, tenant.id(), "sessions.revoked", Optional.of(userId.toString()),
                    Map.of("count", Integer.toString(ended), "grantsRevoked", Integer.toString(revoked)));
            return ended;
        });
    }

    /**
     * The synchronizer token every state-changing form of a session must carry: derived from the session's secret
     * (so it is tied to that session, unguessable without the HttpOnly cookie, and needs no storage).
     */
    public static String csrfToken(String cookieValue) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                Digests.sha256("iru-csrf\0".getBytes(StandardCharsets.UTF_8), cookieValue.getBytes(StandardCharsets.UTF_8)));
    }

    public static boolean csrfMatches(String cookieValue, String presented) {
        return presented != null && MessageDigest.isEqual(csrfToken(cookieValue).getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    private java.time.Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
