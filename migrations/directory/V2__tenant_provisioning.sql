-- Tenant creation spans two databases (directory, then the tenant's region) without a distributed transaction.
-- A directory row is `provisioning` until the regional tenant record exists; routing ignores such rows, and a retry
-- with the same Idempotency-Key completes the creation.
alter table tenant_directory drop constraint tenant_directory_status_check;
alter table tenant_directory add constraint tenant_directory_status_check
    check (status in ('provisioning', 'active', 'deleted'));

create table tenant_creation_requests (
    idempotency_key     text primary key check (length(idempotency_key) between 1 and 200),
    request_fingerprint bytea not null,
    tenant_id           uuid not null references tenant_directory (id),
    created_at          timestamptz not null default now()
);

grant select, insert, update, delete on tenant_creation_requests to ${appRole};
grant delete on tenant_directory to ${appRole};
