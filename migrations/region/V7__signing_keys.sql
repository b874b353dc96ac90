-- Per-tenant token signing keys, published by the control plane (issue 8). The private key is stored only sealed
-- (envelope encryption: a per-key data key wrapped by the KEK from the secret store, both bound to tenant and kid),
-- so neither this table nor its journal ever holds it in the clear.
--
-- Lifecycle: next (published in the JWKS, not signing) -> active (the one signer; at most one per tenant) ->
-- retiring (still published until retire_after, so tokens it signed keep verifying) -> retired (unpublished).
-- A retiring key whose retire_after has passed is retired when read; the control plane writes that state on its next
-- change of the tenant's keys.
create table signing_keys (
    tenant_id          uuid not null references tenants (tenant_id) on delete cascade,
    kid                text not null check (kid ~ '^[A-Za-z0-9_-]{22}$'),
    alg                text not null check (alg = 'ES256'),
    status             text not null check (status in ('next', 'active', 'retiring', 'retired')),
    public_jwk         jsonb not null,
    kek_id             text not null,
    data_key_nonce     bytea not null,
    data_key_wrapped   bytea not null,
    private_key_nonce  bytea not null,
    private_key_sealed bytea not null,
    created_at         timestamptz not null,
    activated_at       timestamptz,
    retiring_since     timestamptz,
    retire_after       timestamptz,
    primary key (tenant_id, kid),
    check (status <> 'retiring' or (retiring_since is not null and retire_after is not null))
);
-- The signer is unambiguous: one active key per tenant, whatever two writers race to do.
create unique index signing_keys_one_active on signing_keys (tenant_id) where status = 'active';

call tenant_isolate('signing_keys', '${controlRole}');
call audit_attach('signing_keys', '${controlRole}');
-- Keys are created and change status; they leave only with their tenant (a cascade the owner runs).
revoke delete on signing_keys from ${controlRole};
-- The tenant plane reads them to serve the JWKS and (later) to sign tokens; it cannot write them.
grant select on signing_keys, audit_signing_keys to ${tenantRole};
