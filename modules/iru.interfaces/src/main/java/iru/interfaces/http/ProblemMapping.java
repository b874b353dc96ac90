package iru.interfaces.http;

import iru.foundation.database.DataAccessException;
import iru.foundation.database.RegionNotServedException;
import iru.foundation.database.RegionUnresolvableException;
import iru.application.catalog.CatalogUnavailableException;
import iru.application.tenant.RegionUnavailableException;
import iru.domain.application.UnknownTemplateException;
import iru.domain.common.ConflictException;
import iru.domain.common.ResourceNotFoundException;
import iru.domain.common.VersionMismatchException;
import iru.domain.signing.SigningKeyRetiredException;
import iru.domain.tenant.IdempotencyKeyReusedException;
import iru.domain.tenant.SlugTakenException;
import iru.domain.tenant.TenantNotFoundException;
import iru.domain.tenant.TenantSuspendedException;
import iru.application.oauth.InvalidClientKeysException;
import iru.domain.validation.InvalidFieldException;
import java.util.Optional;

/**
 * Turns the typed failures of the layers below into problem details. The one place where a domain or foundation
 * error meets an HTTP status; anything not listed here is unexpected and becomes a 500 with a correlation id.
 */
public final class ProblemMapping {
    private ProblemMapping() {
    }

    public static Optional<Problem> toProblem(Throwable error) {
        return switch (error) {
            case ProblemException e -> Optional.of(e.problem());
            case RegionNotServedException e -> Optional.of(Problem.of(ProblemType.REGION_NOT_SERVED,
                    "This deployment does not serve region " + e.region().code() + "; use that region's endpoint.")
                    .with("region", e.region().code()));
            case RegionUnresolvableException e -> Optional.of(Problem.of(ProblemType.REGION_NOT_SERVED,
                    "The tenant's region cannot be resolved; the request was not routed anywhere."));
            case DataAccessException e when e.isConnectionFailure() -> Optional.of(Problem.of(
                    ProblemType.DATABASE_UNAVAILABLE, "A database this request needs is unavailable; nothing was"
                            + " changed. Retry later (with the same Idempotency-Key, where the operation takes one)."));
            case InvalidClientKeysException e -> Optional.of(Problem.of(ProblemType.MALFORMED_REQUEST,
                    "'keys' " + e.getMessage() + "; nothing was changed.").with("field", "keys"));
            case InvalidFieldException e -> Optional.of(Problem.of(ProblemType.INVALID_REQUEST,
                    "'" + e.field() + "' " + e.reason() + ".").with("field", e.field()));
            case TenantNotFoundException e -> Optional.of(Problem.of(ProblemType.TENANT_NOT_FOUND,
                    "No such tenant."));
            case TenantSuspendedException e -> Optional.of(Problem.of(ProblemType.TENANT_SUSPENDED,
                    "This tenant is suspended; nothing is served for it until it is resumed."));
            case SlugTakenException e -> Optional.of(Problem.of(ProblemType.CONFLICT, e.getMessage() + ".")
                    .with("field", "slug"));
            case IdempotencyKeyReusedException e -> Optional.of(Problem.of(ProblemType.IDEMPOTENCY_KEY_REUSED,
                    "This Idempotency-Key was already used for a different request body."));
            case RegionUnavailableException e -> Optional.of(Problem.of(ProblemType.REGION_UNAVAILABLE,
                    "This deployment cannot place tenants in that region.").with("field", "region"));
            case ResourceNotFoundException e -> Optional.of(Problem.of(ProblemType.NOT_FOUND,
                    "No such " + e.resource() + " in this tenant."));
            case ConflictException e -> Optional.of(Problem.of(ProblemType.CONFLICT, e.getMessage() + ".")
                    .with("field", e.field()));
            case VersionMismatchException e -> Optional.of(Problem.of(ProblemType.PRECONDITION_FAILED,
                    "If-Match does not name the current version: " + e.getMessage() + ". Fetch it and retry."));
            case UnknownTemplateException e -> Optional.of(Problem.of(ProblemType.INVALID_REQUEST,
                    "'templateKey': " + e.getMessage() + ".").with("field", "templateKey"));
            case SigningKeyRetiredException e -> Optional.of(Problem.of(ProblemType.SIGNING_KEY_RETIRED,
                    "A retired signing key cannot be activated again: relying parties no longer see it. Create a"
                            + " new key instead."));
            case CatalogUnavailableException e -> Optional.of(Problem.of(ProblemType.UPSTREAM_UNAVAILABLE,
                    "The catalog could not be synced: " + e.getMessage()));
            default -> Optional.empty();
        };
    }
}
