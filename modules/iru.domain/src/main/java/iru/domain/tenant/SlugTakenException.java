package iru.domain.tenant;

/** Another live tenant already has this slug. */
public final class SlugTakenException extends RuntimeException {
    public SlugTakenException(TenantSlug slug) {
        super("slug '" + slug + "' is taken", null, false, false);
    }
}
