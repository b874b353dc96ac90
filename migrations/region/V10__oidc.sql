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

-- Ephemeral: codes, grants and refresh tokens change on every sign-in and refresh, and hold secrets' hashes.

-- One row per user authorization of a client (the "refresh token family"). Deleting it revokes everything issued
-- under it: its refresh tokens (cascade) and its access tokens (userinfo checks the grant still exists).
create table oauth_grants (
    tenant_id    uuid not null references tenants (tenant_id) on delete cascade,
    grant_id     uuid not null,
    client_id    uuid not null,
    user_id      uuid not null,
    scope        text not null,
    auth_time    timestamptz not null,
    created_at   timestamptz not null,
    expires_at   timestamptz not null,
    primary key (tenant_id, grant_id),
    foreign key (tenant_id, client_id) references applications (tenant_id, app_id) on delete cascade,
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);
call tenant_ephemeral('oauth_grants', '${tenantRole}');

-- Single use: `consumed_at` is set atomically on redemption. The row outlives the code's own validity
-- (`usable_until`, 60 s) so that a replay is recognised, and revokes the grant the first redemption made.
create table oauth_codes (
    tenant_id      uuid not null references tenants (tenant_id) on delete cascade,
    code_hash      bytea not null check (length(code_hash) = 32),
    client_id      uuid not null,
    redirect_uri   text not null,
    code_challenge text not null,
    nonce          text,
    scope          text not null,
    user_id        uuid not null,
    session_hash   bytea not null check (length(session_hash) = 32),
    auth_time      timestamptz not null,
    usable_until   timestamptz not null,
    consumed_at    timestamptz,
    grant_id       uuid,
    created_at     timestamptz not null,
    expires_at     timestamptz not null check (expires_at >= usable_until),
    primary key (tenant_id, code_hash),
    foreign key (tenant_id, client_id) references applications (tenant_id, app_id) on delete cascade,
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);
call tenant_ephemeral('oauth_codes', '${tenantRole}');

-- Rotated on every use: a consumed token presented again revokes its whole grant (family).
create table oauth_refresh_tokens (
    tenant_id   uuid not null,
    token_hash  bytea not null check (length(token_hash) = 32),
    grant_id    uuid not null,
    consumed_at timestamptz,
    created_at  timestamptz not null,
    expires_at  timestamptz not null,
    primary key (tenant_id, token_hash),
    foreign key (tenant_id, grant_id) references oauth_grants (tenant_id, grant_id) on delete cascade
);
create index oauth_refresh_tokens_grant on oauth_refresh_tokens (tenant_id, grant_id);
call tenant_ephemeral('oauth_refresh_tokens', '${tenantRole}');
