-- Passkey sign-in (WebAuthn) and server-side sessions on the tenant plane.
--
-- Journaled: `passkeys` (a credential is state an administrator must be able to trace: who added it, when, and its
-- removal). Ephemeral: everything that changes on every sign-in or is a secret's hash (enrollment tokens,
-- ceremony challenges, sessions) and the sign counters, so a sign-in never takes the tenant's journal lock and no
-- secret's hash lands in a journal forever. Secrets are stored only as SHA-256 hashes.

create table passkey_enrollments (
    tenant_id  uuid not null references tenants (tenant_id) on delete cascade,
    token_hash bytea not null check (length(token_hash) = 32),
    user_id    uuid not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    primary key (tenant_id, token_hash),
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);
call tenant_ephemeral('passkey_enrollments', '${tenantRole}');

-- One row per options request: single use (deleted when consumed), bound to the browser pre-session that asked.
create table webauthn_challenges (
    tenant_id        uuid not null references tenants (tenant_id) on delete cascade,
    challenge_hash   bytea not null check (length(challenge_hash) = 32),
    presession_hash  bytea not null check (length(presession_hash) = 32),
    purpose          text not null check (purpose in ('registration', 'authentication')),
    enrollment_hash  bytea check (length(enrollment_hash) = 32),
    created_at       timestamptz not null,
    expires_at       timestamptz not null,
    primary key (tenant_id, challenge_hash),
    check ((purpose = 'registration') = (enrollment_hash is not null))
);
call tenant_ephemeral('webauthn_challenges', '${tenantRole}');

create table passkeys (
    tenant_id       uuid not null references tenants (tenant_id) on delete cascade,
    credential_id   bytea not null check (length(credential_id) between 1 and 1023),
    user_id         uuid not null,
    public_key_cose bytea not null,
    aaguid          uuid not null,
    backup_eligible boolean not null,
    transports      text[] not null default '{}',
    name            text not null check (length(name) between 1 and 100),
    created_at      timestamptz not null,
    primary key (tenant_id, credential_id),
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);
create index passkeys_user on passkeys (tenant_id, user_id);
call tenant_isolate('passkeys', '${tenantRole}');
call audit_attach('passkeys', '${tenantRole}');

-- Changes on every sign-in; lives as long as its passkey (expires_at = infinity, removed with the passkey).
create table passkey_counters (
    tenant_id     uuid not null,
    credential_id bytea not null,
    sign_count    bigint not null check (sign_count between 0 and 4294967295),
    backup_state  boolean not null,
    last_used_at  timestamptz,
    expires_at    timestamptz not null default 'infinity',
    primary key (tenant_id, credential_id),
    foreign key (tenant_id, credential_id) references passkeys (tenant_id, credential_id) on delete cascade
);
call tenant_ephemeral('passkey_counters', '${tenantRole}');

create table sessions (
    tenant_id           uuid not null references tenants (tenant_id) on delete cascade,
    session_hash        bytea not null check (length(session_hash) = 32),
    user_id             uuid not null,
    created_at          timestamptz not null,
    last_seen_at        timestamptz not null,
    absolute_expires_at timestamptz not null,
    expires_at          timestamptz not null check (expires_at <= absolute_expires_at),
    primary key (tenant_id, session_hash),
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);
create index sessions_user on sessions (tenant_id, user_id);
call tenant_ephemeral('sessions', '${tenantRole}');
