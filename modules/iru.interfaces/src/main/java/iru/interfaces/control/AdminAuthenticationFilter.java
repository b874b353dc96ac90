package iru.interfaces.control;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import iru.application.operator.OperatorRequestNonces;
import iru.foundation.crypto.ConstantTimeTokens;
import iru.foundation.database.AuditActor;
import iru.foundation.logging.StructuredLog;
import iru.foundation.secrets.SecretStore;
import iru.interfaces.control.signature.OperatorKeys;
import iru.interfaces.control.signature.OperatorSignatureVerifier;
import iru.interfaces.control.signature.SignatureRejectedException;
import iru.interfaces.control.signature.SignedMessage;
import iru.interfaces.http.BearerChallenge;
import iru.interfaces.http.FailedAuthentications;
import iru.interfaces.http.FailedAuthentications.Admitted;
import iru.interfaces.http.Json;
import iru.interfaces.http.Problem;
import iru.interfaces.http.ProblemType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Guards every `/v1/**` route of the control plane. A request carrying `Signature-Input` or `Signature` must be an
 * operator's request signed with HTTP Message Signatures (RFC 9421, see {@link OperatorSignatureVerifier}); any
 * other request must present the admin bearer token from the secret store (wired with a short cache, so a rotation
 * takes effect within its time to live): the current value, or the previous one while the store's rotation rule
 * still accepts it. A signed request is never also tried as a bearer request, so a failed signature is not masked.
 * Failed attempts of either kind are limited per source address and for the plane as a whole
 * ({@link FailedAuthentications}); over the limit, attempts are refused before any key or secret is read.
 */
public final class AdminAuthenticationFilter implements Filter {
    public static final String ADMIN_TOKEN_SECRET = "admin-token";
    /** How far a signature's `created` may lie from now, either way. */
    public static final Duration SIGNATURE_WINDOW = Duration.ofSeconds(60);
    /** Tells a refused signer what to sign (RFC 9421 §5.1). */
    static final String ACCEPT_SIGNATURE =
            "sig=(\"@method\" \"@target-uri\" \"content-digest\");created;keyid;nonce;alg=\"ed25519\"";
    private static final StructuredLog LOG = StructuredLog.of(AdminAuthenticationFilter.class);
    private static final String REALM = "iru-control";

    private final SecretStore secrets;
    private final FailedAuthentications failures;
    private final OperatorSignatureVerifier signatures;
    private final BearerChallenge challenge = new BearerChallenge(REALM);

    public AdminAuthenticationFilter(SecretStore secrets, FailedAuthentications failures, OperatorRequestNonces nonces,
            Clock clock) {
        this.secrets = secrets;
        this.failures = failures;
        this.signatures = new OperatorSignatureVerifier(new OperatorKeys(secrets), nonces, clock, SIGNATURE_WINDOW);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (!path.startsWith("/v1/") && !path.equals("/v1")) {
            chain.proceed();
            return;
        }
        Optional<Admitted> attempt = failures.admitOrRefuse(req, res, REALM);
        if (attempt.isEmpty()) {
            return;
        }
        if (req.headers().contains(HeaderNames.create("Signature-Input"))
                || req.headers().contains(HeaderNames.create("Signature"))) {
            authenticateSignature(attempt.get(), chain, req, res);
            return;
        }
        Optional<String> token = BearerChallenge.presented(req);
        if (token.isEmpty()
                || !ConstantTimeTokens.matchesAny(token.get(), secrets.fetch(ADMIN_TOKEN_SECRET).acceptable())) {
            challenge.refuse(req, res, "A valid admin bearer token is required.");
            return;
        }
        attempt.get().succeeded();
        ScopedValue.where(AuditActor.CURRENT, "control:admin").run(chain::proceed);
    }

    private void authenticateSignature(Admitted attempt, FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        Optional<byte[]> body = bufferedBody(req);
        if (body.isEmpty()) {
            Json.sendProblem(res, Problem.of(ProblemType.PAYLOAD_TOO_LARGE,
                    "A signed request's body may be at most the server's payload limit."), path);
            return;
        }
        OperatorSignatureVerifier.VerifiedOperator operator;
        try {
            operator = signatures.verify(message(req, body.get()));
        } catch (SignatureRejectedException e) {
            LOG.warn("auth.rejected", Map.of("realm", REALM, "path", path, "reason", e.reason().slug(),
                    "remote", req.remotePeer().host()));
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"" + REALM + "\"");
            res.header(HeaderNames.create("Accept-Signature"), ACCEPT_SIGNATURE);
            Json.sendProblem(res, Problem.of(ProblemType.INVALID_SIGNATURE, e.getMessage() + ".")
                    .with("reason", e.reason().slug()), path);
            return;
        }
        attempt.succeeded();
        ScopedValue.where(AuditActor.CURRENT, "control:operator:" + operator.keyId()).run(chain::proceed);
    }

    /**
     * Reads the body once into Helidon's buffer, so the handler reads the very bytes whose digest was checked.
     * Empty when it exceeds the buffer limit (the server's payload limit, set in the launcher).
     */
    private static Optional<byte[]> bufferedBody(RoutingRequest req) {
        if (!req.content().hasEntity()) {
            return Optional.of(new byte[0]);
        }
        try {
            req.content().buffer();
        } catch (IllegalStateException tooLarge) {
            return Optional.empty();
        }
        try (InputStream in = req.content().inputStream()) {
            return Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SignedMessage message(RoutingRequest req, byte[] body) {
        HttpPrologue prologue = req.prologue();
        Map<String, List<String>> fields = new HashMap<>();
        req.headers().forEach(header -> fields.computeIfAbsent(header.name().toLowerCase(Locale.ROOT),
                name -> new ArrayList<>()).addAll(header.allValues()));
        return new SignedMessage(prologue.method().text(), req.isSecure() ? "https" : "http",
                req.headers().first(HeaderNames.HOST).orElse(""), prologue.uriPath().rawPath(),
                prologue.hasQuery() ? Optional.of(prologue.query().rawValue()) : Optional.empty(), fields, body);
    }
}
