-- Every tenant table is declared as one of three classes, and `verify-audit` checks each against its class (a tenant
-- table in no class fails):
--   journaled       state with a row journal (users, groups, apps, keys...): `call audit_attach('T', role)`;
--   ephemeral       short-lived authentication state (challenges, sessions, codes, refresh tokens, sign counters):
--                   `call tenant_ephemeral('T', role)`. Isolated by the same policy, not row-journaled, so it never
--                   queues behind the tenant's journal lock and leaves no secret's hash in a journal forever; it must
--                   have `expires_at timestamptz not null`;
--   security-event  the append-only log of security facts (sign-ins, credentials, keys), journaled like state, and
--                   only ever inserted: no role but the owner may update or delete it.
create table tenant_table_classes (
    table_name text primary key,
    class      text not null check (class in ('journaled', 'ephemeral', 'security-event'))
);
-- Read by the schema owner only (migrations, verify-audit): no grants.

insert into tenant_table_classes (table_name, class)
select substr(c.relname, length('audit_') + 1), 'journaled'
from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'public' and c.relkind = 'r' and c.relname like 'audit\_%' and c.relname <> 'audit_chain_head';

create or replace procedure public.audit_attach(tbl text, app_role text) language plpgsql
    set search_path = pg_catalog, pg_temp as $$
declare
    journal text := 'audit_' || tbl;
begin
    execute format('create table public.%I (like public.%I)', journal, tbl);
    execute format('alter table public.%I add column audit_seq bigint not null, add column audit_op text not null,'
                   ' add column audit_at timestamptz not null, add column audit_actor text not null,'
                   ' add column audit_txid bigint not null, add column audit_prev_hash bytea not null,'
                   ' add column audit_hash bytea not null, add column audit_columns text[] not null', journal);
    execute format('alter table public.%I add primary key (tenant_id, audit_seq)', journal);
    execute format('alter table public.%I enable row level security', journal);
    execute format('alter table public.%I force row level security', journal);
    execute format('create policy tenant_isolation on public.%I using (tenant_id = public.current_tenant_id())'
                   ' with check (tenant_id = public.current_tenant_id())', journal);
    execute format('create trigger %I after insert or update or delete on public.%I for each row'
                   ' execute function public.audit_append()', tbl || '_audit', tbl);
    execute format('create trigger %I before update or delete on public.%I for each row'
                   ' execute function public.audit_journal_is_append_only()', journal || '_append_only', journal);
    execute format('create trigger %I before truncate on public.%I for each statement'
                   ' execute function public.audit_journal_is_append_only()', journal || '_no_truncate', journal);
    execute format('revoke all on public.%I from %I', journal, app_role);
    execute format('grant select on public.%I to %I', journal, app_role);
    insert into public.tenant_table_classes (table_name, class) values (tbl, 'journaled')
        on conflict (table_name) do nothing;
end $$;

create procedure public.tenant_ephemeral(tbl text, app_role text) language plpgsql
    set search_path = pg_catalog, pg_temp as $$
begin
    call public.tenant_isolate(tbl, app_role);
    insert into public.tenant_table_classes (table_name, class) values (tbl, 'ephemeral');
end $$;
revoke execute on procedure public.tenant_ephemeral(text, text), public.audit_attach(text, text) from public;

-- The security event log. Events carry facts and reasons, never secrets (no tokens, hashes or key material).
create table security_events (
    tenant_id   uuid not null references tenants (tenant_id) on delete cascade,
    event_id    uuid not null,              -- UUIDv7: ordering by id is ordering by time
    occurred_at timestamptz not null,
    kind        text not null check (kind ~ '^[a-z][a-z0-9_.-]{0,63}$'),
    actor       text not null check (length(actor) between 1 and 200),
    subject     text check (length(subject) <= 200),
    detail      jsonb not null default '{}' check (jsonb_typeof(detail) = 'object'),
    primary key (tenant_id, event_id)
);
create index security_events_kind on security_events (tenant_id, kind, event_id);
call tenant_isolate('security_events', '${tenantRole}');
call audit_attach('security_events', '${tenantRole}');
update tenant_table_classes set class = 'security-event' where table_name = 'security_events';
revoke update, delete on security_events from ${tenantRole};
grant select, insert on security_events to ${controlRole};
