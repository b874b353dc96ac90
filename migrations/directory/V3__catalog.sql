-- The canonical copy of the application-template catalog; each regional database holds the same rows so the tenant
-- API reads templates locally.
create table catalog_templates (
    key                  text primary key check (key ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
    name                 text not null,
    description          text not null default '',
    logo_url             text,
    protocols            text[] not null default '{}',
    scim_capabilities    jsonb not null default '{}',
    configuration_schema jsonb not null default '{}',
    content_hash         bytea not null,
    status               text not null check (status in ('active', 'deprecated')),
    synced_at            timestamptz not null
);
grant select, insert, update, delete on catalog_templates to ${appRole};
