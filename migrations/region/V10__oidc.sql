-- OpenID Connect clients: every application is a client, its id the client id. Journaled, so the history shows each
-- secret rotation; only the SHA-256 hash of the secret is stored (a 256-bit random secret needs no slow hash).
create table oauth_clients (
    tenant_id         uuid not null,
    app_id            uuid not null,
    secret_hash       bytea not null check (length(secret_hash) = 32),
    secret_created_at timestamptz not null,
    primary key (tenant_id, app_id),
    foreign key (tenant_id, app_id) references applications (tenant_id, app_id) on delete cascade
);
call tenant_isolate('oauth_clients', '${tenantRole}');
call audit_attach('oauth_clients', '${tenantRole}');
