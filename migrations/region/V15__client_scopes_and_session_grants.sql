-- Scopes a client may ask for, per application (enforced at authorize and at client_credentials). Existing
-- applications get what an OpenID Connect sign-in needs.
alter table applications add column allowed_scopes text[] not null default '{openid,profile,email}';
-- A journal's columns must stay exactly its table's (verify-audit checks it); older entries list their own columns.
alter table audit_applications add column allowed_scopes text[];

-- The browser session a grant was issued under (the session of its authorization code), so that signing out of that
-- session, RP-initiated logout and an administrator's revocation of sessions also revoke its refresh tokens.
-- Null for grants issued before this column existed.
alter table oauth_grants add column session_hash bytea check (length(session_hash) = 32);
create index oauth_grants_session on oauth_grants (tenant_id, session_hash) where session_hash is not null;
create index oauth_grants_user on oauth_grants (tenant_id, user_id);
