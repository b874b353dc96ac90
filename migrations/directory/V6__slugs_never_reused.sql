-- A tenant's slug is its OpenID Connect issuer (`{base}/t/{slug}`): relying parties trust tokens by issuer, so a
-- slug must never pass to another tenant. A deleted tenant's tombstone keeps its slug for good; only a creation that
-- never completed (its directory row is removed when released) frees one.
drop index tenant_directory_live_slug;
create unique index tenant_directory_slug on tenant_directory (slug);
