-- The global directory: only what routing needs (no personal data). Both regions' deployments read it.
create table tenant_directory (
    id          uuid primary key,
    slug        text not null,
    region      text not null check (region in ('us', 'eu')),
    status      text not null check (status in ('active', 'deleted')),
    created_at  timestamptz not null default now(),
    deleted_at  timestamptz
);

-- A slug stays reserved while its tenant is live; a tombstoned tenant releases it.
create unique index tenant_directory_live_slug on tenant_directory (slug) where status <> 'deleted';

grant usage on schema public to ${appRole};
grant select on flyway_schema_history to ${appRole};
grant select, insert, update on tenant_directory to ${appRole};
