-- The tenant identity API: API keys, users, groups, memberships, applications from catalog templates, assignments.
-- Every tenant table follows the conventions of V2: tenant_id first, isolated by tenant_isolate(), journaled by
-- audit_attach(). References between tenant tables carry tenant_id, so a row can only point inside its own tenant.

-- The application-template catalog, synced from upstream by the control plane. Reference data, not tenant data.
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

create table api_keys (
    tenant_id   uuid not null references tenants (tenant_id) on delete cascade,
    key_id      text not null check (key_id ~ '^[a-z0-9]{16}$'),
    name        text not null,
    secret_hash bytea not null,
    scopes      text[] not null,
    created_at  timestamptz not null,
    revoked_at  timestamptz,
    primary key (tenant_id, key_id)
);
-- Authentication looks a key up by its id before the tenant is known to the key, through the tenant's own scope.
create unique index api_keys_key_id on api_keys (key_id);
call tenant_isolate('api_keys', '${appRole}');
call audit_attach('api_keys', '${appRole}');

create table users (
    tenant_id    uuid not null references tenants (tenant_id) on delete cascade,
    user_id      uuid not null,
    user_name    text not null,
    email        text not null,
    given_name   text,
    family_name  text,
    display_name text,
    status       text not null check (status in ('active', 'inactive')),
    external_id  text,
    version      integer not null,
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    primary key (tenant_id, user_id)
);
create unique index users_user_name on users (tenant_id, lower(user_name));
create index users_email on users (tenant_id, lower(email));
call tenant_isolate('users', '${appRole}');
call audit_attach('users', '${appRole}');

create table groups (
    tenant_id    uuid not null references tenants (tenant_id) on delete cascade,
    group_id     uuid not null,
    display_name text not null,
    description  text,
    version      integer not null,
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    primary key (tenant_id, group_id)
);
create unique index groups_display_name on groups (tenant_id, lower(display_name));
call tenant_isolate('groups', '${appRole}');
call audit_attach('groups', '${appRole}');

create table group_members (
    tenant_id  uuid not null,
    group_id   uuid not null,
    user_id    uuid not null,
    created_at timestamptz not null,
    primary key (tenant_id, group_id, user_id),
    foreign key (tenant_id, group_id) references groups (tenant_id, group_id) on delete cascade,
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);
create index group_members_user on group_members (tenant_id, user_id);
call tenant_isolate('group_members', '${appRole}');
call audit_attach('group_members', '${appRole}');

create table applications (
    tenant_id           uuid not null references tenants (tenant_id) on delete cascade,
    app_id              uuid not null,
    -- RESTRICT: a template in use cannot vanish from the catalog; the sync marks it deprecated instead.
    template_key        text not null references catalog_templates (key) on delete restrict,
    display_name        text not null,
    redirect_uris       text[] not null default '{}',
    scim_base_url       text,
    scim_credential_ref text,
    version             integer not null,
    created_at          timestamptz not null,
    updated_at          timestamptz not null,
    primary key (tenant_id, app_id)
);
call tenant_isolate('applications', '${appRole}');
call audit_attach('applications', '${appRole}');

create table app_user_assignments (
    tenant_id  uuid not null,
    app_id     uuid not null,
    user_id    uuid not null,
    created_at timestamptz not null,
    primary key (tenant_id, app_id, user_id),
    foreign key (tenant_id, app_id) references applications (tenant_id, app_id) on delete cascade,
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);
call tenant_isolate('app_user_assignments', '${appRole}');
call audit_attach('app_user_assignments', '${appRole}');

create table app_group_assignments (
    tenant_id  uuid not null,
    app_id     uuid not null,
    group_id   uuid not null,
    created_at timestamptz not null,
    primary key (tenant_id, app_id, group_id),
    foreign key (tenant_id, app_id) references applications (tenant_id, app_id) on delete cascade,
    foreign key (tenant_id, group_id) references groups (tenant_id, group_id) on delete cascade
);
call tenant_isolate('app_group_assignments', '${appRole}');
call audit_attach('app_group_assignments', '${appRole}');
