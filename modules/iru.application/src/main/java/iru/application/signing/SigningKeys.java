package iru.application.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import iru.application.identity.TenantTransactions;
import iru.application.tenant.CredentialCache;
import iru.application.tenant.CredentialChanges;
import iru.domain.common.ResourceNotFoundException;
import iru.domain.signing.SigningKey;
import iru.domain.signing.SigningKeyRepository;
import iru.domain.signing.SigningKeyRetiredException;
import iru.domain.signing.SigningKeyStatus;
import iru.domain.tenant.TenantDirectory;
import iru.domain.tenant.TenantId;
import iru.domain.tenant.TenantLocation;
import iru.domain.tenant.TenantNotFoundException;
import iru.domain.tenant.TenantStatus;
import iru.foundation.crypto.EnvelopeEncryption;
import iru.foundation.crypto.SealedSecret;
import iru.foundation.database.TenantRegionRouter;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The tenants' token signing keys (ES256 on P-256). The control plane creates keys as `next`, activates one (the
 * previous active key turns `retiring` for the grace, then `retired`), and gives every new tenant its first active
 * key. The tenant plane publishes the JWKS (next, active and retiring keys) and signs tokens through {@link #signer}.
 * Private keys exist in the clear only in memory: they are sealed by {@link EnvelopeEncryption} before they are
 * stored, bound to tenant and kid.
 */
public final class SigningKeys {
    /** The secret store name of the key-encryption key that seals every private signing key. */
    public static final String KEK_SECRET = "signing-kek";

    private final TenantTransactions tx;
    private final TenantRegionRouter router;
    private final TenantDirectory directory;
    private final SigningKeyRepository keys;
    private final EnvelopeEncryption envelope;
    private final Duration retireGrace;
    private final Clock clock;
    private final SecureRandom random;
    private final CredentialChanges changes;
    /** Per tenant, the signer with its active key (one entry per tenant, under this key). */
    private final CredentialCache<String, TokenSigner> activeSigners;
    /** Per tenant, the published JWKS (one entry per tenant, under this key). */
    private final CredentialCache<String, PublishedKeys> publishedSets;

    /**
     * @param retireGrace how long a replaced active key stays published; at least the longest token lifetime, so
     *                    no token that is still valid stops verifying
     * @param changes     announces activations to every tenant plane and keeps the decrypted active signer, which
     *                    an activation (here or on any other instance) drops at once
     */
    public SigningKeys(TenantTransactions tx, TenantRegionRouter router, TenantDirectory directory,
            SigningKeyRepository keys, EnvelopeEncryption envelope, Duration retireGrace, CredentialChanges changes,
            Clock clock) {
        this.tx = tx;
        this.router = router;
        this.directory = directory;
        this.keys = keys;
        this.envelope = Objects.requireNonNull(envelope, "envelope");
        this.retireGrace = Objects.requireNonNull(retireGrace, "retireGrace");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = new SecureRandom();
        this.changes = Objects.requireNonNull(changes, "changes");
        this.activeSigners = changes.newCache();
        this.publishedSets = changes.newCache();
    }

    /** Control plane: the tenant's keys, oldest first, each with the status it has now. */
    public List<SigningKey> list(TenantId tenantId) {
        TenantLocation tenant = liveTenant(tenantId);
        Instant now = now();
        return tx.run("ListSigningKeys", tenant, c -> keys.list(c, tenant.id())).stream()
                .map(k -> atNow(k, now)).toList();
    }

    /** Control plane: a fresh key, published as `next` (in the JWKS, not yet signing). */
    public SigningKey create(TenantId tenantId) {
        TenantLocation tenant = liveTenant(tenantId);
        SigningKey created = tx.run("CreateSigningKey", tenant, c -> {
            keys.lockAll(c, tenant.id());
            keys.retireExpired(c, tenant.id(), now());
            SigningKey inserted = insertNew(c, tenant.id(), SigningKeyStatus.next);
            changes.announce(c, tenant.id()); // the new key is published at once, on every tenant plane
            return inserted;
        });
        changes.forget(tenant.id());
        return created;
    }

    /**
     * Control plane: makes `kid` the signer. The active key it replaces becomes `retiring` for the grace and stays
     * in the JWKS meanwhile; activating the active key changes nothing; a retired key cannot come back (409).
     */
    public SigningKey activate(TenantId tenantId, String kid) {
        TenantLocation tenant = liveTenant(tenantId);
        if (!SigningKey.isKid(kid)) {
            throw new ResourceNotFoundException("signing key", kid);
        }
        SigningKey activated = tx.run("ActivateSigningKey", tenant, c -> {
            Instant now = now();
            List<SigningKey> all = keys.lockAll(c, tenant.id());
            keys.retireExpired(c, tenant.id(), now);
            SigningKey target = all.stream().filter(k -> k.kid().equals(kid)).findFirst()
                    .map(k -> atNow(k, now))
                    .orElseThrow(() -> new ResourceNotFoundException("signing key", kid));
            switch (target.status()) {
                case retired -> throw new SigningKeyRetiredException(kid);
                case active -> {
                    return target;
                }
                default -> {
                }
            }
            for (SigningKey current : all) {
                if (current.status() == SigningKeyStatus.active) {
                    keys.makeRetiring(c, tenant.id(), current.kid(), now, now.plus(retireGrace));
                }
            }
            keys.makeActive(c, tenant.id(), kid, now);
            changes.announce(c, tenant.id());
            return new SigningKey(kid, target.alg(), SigningKeyStatus.active, target.publicJwk(),
                    target.createdAt(), now, null, null);
        });
        changes.forget(tenant.id());
        return activated;
    }

    /**
     * Tenant creation: gives the tenant an active key unless it has one, inside the caller's transaction in the
     * tenant's region (so a record is never written without its key). Safe to repeat.
     */
    public void ensureActiveKey(Connection c, TenantId tenant) throws SQLException {
        if (keys.active(c, tenant).isEmpty()) {
            insertNew(c, tenant, SigningKeyStatus.active);
        }
    }

    /**
     * What a tenant publishes as its JWKS: the key set, its JSON (serialized once, served many times) and the instant
     * until which it holds by time alone (the first retiring key's end of publication; {@link Instant#MAX} if none).
     */
    public record PublishedKeys(JWKSet keys, String json, Instant validUntil) {
        public PublishedKeys {
            Objects.requireNonNull(keys, "keys");
            Objects.requireNonNull(json, "json");
            Objects.requireNonNull(validUntil, "validUntil");
        }
    }

    /** Tenant plane: the JWKS relying parties verify with — the next, active and retiring public keys. */
    public JWKSet publishedKeys(TenantLocation tenant) {
        return published(tenant).keys();
    }

    /**
     * Tenant plane: the published key set, kept per tenant until a key is created, activated or retired (announced
     * through {@link CredentialChanges}, which drops it on every tenant plane at commit) or a retiring key's grace
     * ends; only then are the keys read again.
     */
    public PublishedKeys published(TenantLocation tenant) {
        Instant now = now();
        return publishedSets.get(tenant, "published", set -> now.isBefore(set.validUntil()),
                () -> Optional.of(tx.run("PublishSigningKeys", tenant, c -> publish(keys.list(c, tenant.id()), now))))
                .orElseThrow();
    }

    private static PublishedKeys publish(List<SigningKey> stored, Instant now) {
        List<JWK> published = new ArrayList<>();
        Instant validUntil = Instant.MAX;
        for (SigningKey key : stored) {
            if (key.statusAt(now).published()) {
                published.add(publicJwk(key));
                if (key.statusAt(now) == SigningKeyStatus.retiring && key.retireAfter().isBefore(validUntil)) {
                    validUntil = key.retireAfter();
                }
            }
        }
        JWKSet set = new JWKSet(published);
        return new PublishedKeys(set, set.toString(true), validUntil);
    }

    /**
     * Tenant plane (the token endpoint): a signer with the tenant's active key. The decrypted signer is kept per
     * tenant until an activation is announced (which drops it on every tenant plane at commit) or, at the latest,
     * for the cache's time to live; only then is the active key looked up and opened again.
     *
     * @throws NoActiveSigningKeyException if the tenant has no active key
     */
    public TokenSigner signer(TenantLocation tenant) {
        return activeSigners.get(tenant, "active", () -> Optional.of(tx.run("SigningKeySigner", tenant, c -> {
            SigningKey active = keys.active(c, tenant.id())
                    .orElseThrow(() -> new NoActiveSigningKeyException(tenant.id().toString()));
            SealedSecret sealed = keys.sealedPrivateKey(c, tenant.id(), active.kid()).orElseThrow();
            return new TokenSigner(active.kid(), openSigner(tenant.id(), active.kid(), sealed));
        }))).orElseThrow();
    }

    private SigningKey insertNew(Connection c, TenantId tenant, SigningKeyStatus status) throws SQLException {
        String kid = newKid();
        ECKey generated;
        try {
            generated = new ECKeyGenerator(Curve.P_256).keyID(kid).algorithm(JWSAlgorithm.ES256)
                    .keyUse(KeyUse.SIGNATURE).secureRandom(random).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("P-256 key generation failed", e);
        }
        byte[] pkcs8;
        try {
            pkcs8 = generated.toECPrivateKey().getEncoded();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot encode the generated private key", e);
        }
        SealedSecret sealed;
        try {
            sealed = envelope.seal(pkcs8, SigningKey.sealingContext(tenant, kid));
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
        Instant now = now();
        SigningKey key = new SigningKey(kid, SigningKey.ES256, status, generated.toPublicJWK().toJSONString(), now,
                status == SigningKeyStatus.active ? now : null, null, null);
        keys.insert(c, tenant, key, sealed);
        return key;
    }

    private ECDSASigner openSigner(TenantId tenant, String kid, SealedSecret sealed) {
        byte[] pkcs8 = envelope.open(sealed, SigningKey.sealingContext(tenant, kid));
        try {
            ECPrivateKey privateKey = (ECPrivateKey) KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            return new ECDSASigner(privateKey);
        } catch (GeneralSecurityException | JOSEException e) {
            throw new IllegalStateException("the opened private key of " + kid + " is not a P-256 key", e);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private static JWK publicJwk(SigningKey key) {
        try {
            return JWK.parse(key.publicJwk()).toPublicJWK();
        } catch (ParseException e) {
            throw new IllegalStateException("stored public JWK of " + key.kid() + " does not parse", e);
        }
    }

    private static SigningKey atNow(SigningKey key, Instant now) {
        SigningKeyStatus status = key.statusAt(now);
        return status == key.status() ? key : new SigningKey(key.kid(), key.alg(), status, key.publicJwk(),
                key.createdAt(), key.activatedAt(), key.retiringSince(), key.retireAfter());
    }

    private String newKid() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private TenantLocation liveTenant(TenantId tenantId) {
        return router.inDirectoryTransaction(c -> directory.findById(c, tenantId))
                .filter(l -> l.status() == TenantStatus.active)
                .orElseThrow(() -> new TenantNotFoundException(tenantId.toString()));
    }
}
