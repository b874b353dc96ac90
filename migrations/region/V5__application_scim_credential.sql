-- SCIM credentials leave the tenant's hands: an application no longer names a secret of its choosing (a tenant could
-- have pointed our provisioning at any secret in the store). The platform stores each application's credential under
-- a name it derives, `scim/<tenant_id>/<app_id>`, and the database only records that one is set, and when.

-- The journal keeps the column: the entries written with it must stay verifiable (each entry is hashed over the
-- columns it lists in audit_columns, see V4). New entries carry null there.
alter table applications drop column scim_credential_ref;

-- One row per application whose credential is set. Never the credential, nor its name: both come from the secret store
-- and the ids. Journaled, so the history shows each time a credential was set and when it went with its application.
create table application_scim_credentials (
    tenant_id uuid not null,
    app_id    uuid not null,
    set_at    timestamptz not null,
    primary key (tenant_id, app_id),
    foreign key (tenant_id, app_id) references applications (tenant_id, app_id) on delete cascade
);
call tenant_isolate('application_scim_credentials', '${tenantRole}');
call audit_attach('application_scim_credentials', '${tenantRole}');
