-- private_key_jwt client authentication (RFC 7523, OpenID Connect Core §9).

-- A client's registered public JWK set: public keys only (the API refuses private and symmetric keys), so it may be
-- journaled, and the journal shows every change of the keys a client authenticates with.
create table oauth_client_keys (
    tenant_id  uuid not null,
    app_id     uuid not null,
    jwks       jsonb not null check (jsonb_typeof(jwks) = 'object'),
    updated_at timestamptz not null,
    primary key (tenant_id, app_id),
    foreign key (tenant_id, app_id) references applications (tenant_id, app_id) on delete cascade
);
call tenant_isolate('oauth_client_keys', '${tenantRole}');
call audit_attach('oauth_client_keys', '${tenantRole}');

-- Ephemeral: the `jti` of every client assertion accepted, until the assertion expires, so that each is used once.
-- Inserted with `on conflict do nothing`: a second insert of the same jti is a replay, even from two instances at once.
create table oauth_client_assertions (
    tenant_id  uuid not null references tenants (tenant_id) on delete cascade,
    client_id  uuid not null,
    jti_hash   bytea not null check (length(jti_hash) = 32),
    created_at timestamptz not null,
    expires_at timestamptz not null,
    primary key (tenant_id, client_id, jti_hash),
    foreign key (tenant_id, client_id) references applications (tenant_id, app_id) on delete cascade
);
call tenant_ephemeral('oauth_client_assertions', '${tenantRole}');
