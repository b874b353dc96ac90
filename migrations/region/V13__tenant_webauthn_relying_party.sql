-- A tenant's own WebAuthn relying party (issue 8): the rpId its passkeys are bound to and the origins its ceremonies
-- may come from. Both null: the deployment's (IRU_WEBAUTHN_RP_ID, IRU_WEBAUTHN_ORIGINS). Set by the control plane
-- (it is a fact of where the tenant's pages are served), read by the tenant plane on every ceremony. The application
-- checks the rules a browser applies (registrable rpId, origins within it, https); these checks only keep the row
-- well-formed. Columns of the journaled `tenants` table, so each change is journaled with the operator as actor.
alter table tenants
    add column webauthn_rp_id text check (webauthn_rp_id ~ '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$'),
    add column webauthn_origins text[] check (cardinality(webauthn_origins) between 1 and 20
                                              and array_position(webauthn_origins, null) is null),
    add constraint tenants_webauthn_complete check ((webauthn_rp_id is null) = (webauthn_origins is null));
-- A journal's columns must stay exactly its table's (verify-audit checks it).
alter table audit_tenants add column webauthn_rp_id text, add column webauthn_origins text[];
