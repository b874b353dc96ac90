-- What provisioning knows of each account it keeps in an application: per (tenant, application, subject) the id the
-- application gave it and the ETag it last reported, so updates and deletes address the right remote object and can
-- send If-Match. A subject is one of our users or groups (`kind`). No foreign key to users or groups: a deleted user
-- keeps its row until delivery has deleted the remote account, which is what the row is needed for then. It goes with
-- its application (a deleted application is no longer provisioned).
-- Journaled like the other state: the history shows when an account was provisioned, adopted and removed.
create table app_accounts (
    tenant_id        uuid not null,
    app_id           uuid not null,
    subject_kind     text not null check (subject_kind in ('user', 'group')),
    subject_id       uuid not null,
    remote_id        text not null check (length(remote_id) between 1 and 1024),
    etag             text check (length(etag) <= 1024),
    provisioned_at   timestamptz not null,
    primary key (tenant_id, app_id, subject_kind, subject_id),
    foreign key (tenant_id, app_id) references applications (tenant_id, app_id) on delete cascade
);
-- Reconciliation maps the application's accounts back to ours by remote id.
create index app_accounts_remote on app_accounts (tenant_id, app_id, subject_kind, remote_id);
call tenant_isolate('app_accounts', '${tenantRole}');
call audit_attach('app_accounts', '${tenantRole}');
