-- Hardening of the audit journal and least privilege between the planes.
--
-- 1. Nothing session-local and nothing new: the runtime roles can create no temporary table (which a SECURITY
--    DEFINER function with an unpinned search_path would resolve before ours) and no object in any schema.
-- 2. Trigger functions name every relation with its schema and pin search_path with pg_temp explicitly last.
-- 3. Each journal entry records the columns it was written with (`audit_columns`), so a column added to T and
--    audit_T later (nullable or with a default) does not change how earlier entries are encoded and hashed.
-- 4. One role per plane, granted only what that plane does: `${tenantRole}` serves tenants' identity data and reads
--    the catalog; `${controlRole}` creates, suspends and deletes tenant records, issues their first key and writes the
--    catalog, and can neither read nor write users, groups or applications.
-- (`${appRole}` in V1-V3 is the tenant role; every grant those migrations made is replaced here.)

do $$
begin
    execute format('revoke temporary, create on database %I from public, %I, %I',
                   current_database(), '${tenantRole}', '${controlRole}');
end $$;
revoke create on schema public from public;

create or replace function public.current_tenant_id() returns uuid language sql stable as $$
    select nullif(pg_catalog.current_setting('iru.tenant_id', true), '')::pg_catalog.uuid
$$;

create or replace function public.audit_entry_hash(prev bytea, tbl text, op text, seq bigint, at_micros bigint,
                                                   actor text, txid bigint, data jsonb) returns bytea
    language sql immutable set search_path = pg_catalog, pg_temp as $$
    select pg_catalog.sha256(prev || pg_catalog.convert_to(tbl || '|' || op || '|' || seq || '|' || at_micros || '|'
                                                          || actor || '|' || txid || '|' || data::text, 'UTF8'))
$$;

create or replace function public.audit_append() returns trigger language plpgsql security definer
    set search_path = pg_catalog, pg_temp as $$
declare
    row_data  jsonb := case when tg_op = 'DELETE' then pg_catalog.to_jsonb(old) else pg_catalog.to_jsonb(new) end;
    tenant    uuid  := (row_data ->> 'tenant_id')::uuid;
    at        timestamptz := pg_catalog.clock_timestamp();
    actor     text  := coalesce(nullif(pg_catalog.current_setting('iru.actor', true), ''), session_user);
    tx        bigint := pg_catalog.txid_current();
    prev_seq  bigint;
    prev_hash bytea;
    entry     bytea;
begin
    insert into public.audit_chain_head (tenant_id, last_seq, last_hash) values (tenant, 0, ''::bytea)
        on conflict (tenant_id) do nothing;
    select h.last_seq, h.last_hash into prev_seq, prev_hash from public.audit_chain_head h
        where h.tenant_id = tenant for update;
    entry := public.audit_entry_hash(prev_hash, tg_table_name, tg_op, prev_seq + 1,
                                     (extract(epoch from at) * 1000000)::bigint, actor, tx, row_data);
    update public.audit_chain_head set last_seq = prev_seq + 1, last_hash = entry where tenant_id = tenant;
    execute pg_catalog.format('insert into %I.%I select * from pg_catalog.jsonb_populate_record(null::%I.%I, $1)',
                              tg_table_schema, 'audit_' || tg_table_name, tg_table_schema, 'audit_' || tg_table_name)
        using row_data || pg_catalog.jsonb_build_object(
            'audit_seq', prev_seq + 1, 'audit_op', tg_op, 'audit_at', at, 'audit_actor', actor, 'audit_txid', tx,
            'audit_prev_hash', '\x' || pg_catalog.encode(prev_hash, 'hex'),
            'audit_hash', '\x' || pg_catalog.encode(entry, 'hex'),
            'audit_columns', pg_catalog.to_jsonb(array(select pg_catalog.jsonb_object_keys(row_data))));
    return null;
end $$;

create or replace function public.audit_journal_is_append_only() returns trigger language plpgsql
    set search_path = pg_catalog, pg_temp as $$
begin
    raise exception 'audit journal % is append-only: % refused', tg_table_name, tg_op
        using errcode = 'insufficient_privilege';
end $$;

-- Existing entries were written with every column their journal has today; record that list on each of them. A
-- constant default is stored in the catalog, not written row by row, so no journal row is updated.
do $$
declare
    journal text;
    written text[];
begin
    for journal in select c.relname from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                   where n.nspname = 'public' and c.relkind = 'r' and c.relname like 'audit\_%'
                     and c.relname <> 'audit_chain_head' loop
        select array_agg(a.attname::text order by a.attnum) into written from pg_catalog.pg_attribute a
            where a.attrelid = pg_catalog.format('public.%I', journal)::regclass and a.attnum > 0
              and not a.attisdropped and a.attname not like 'audit\_%';
        execute pg_catalog.format('alter table public.%I add column audit_columns text[] not null default %L',
                                  journal, written);
        execute pg_catalog.format('alter table public.%I alter column audit_columns drop default', journal);
    end loop;
end $$;

create or replace procedure public.tenant_isolate(tbl text, app_role text) language plpgsql
    set search_path = pg_catalog, pg_temp as $$
begin
    execute format('alter table public.%I enable row level security', tbl);
    execute format('alter table public.%I force row level security', tbl);
    execute format('create policy tenant_isolation on public.%I using (tenant_id = public.current_tenant_id())'
                   ' with check (tenant_id = public.current_tenant_id())', tbl);
    execute format('grant select, insert, update, delete on public.%I to %I', tbl, app_role);
end $$;

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
end $$;

-- Journals written before this migration had a USING-only policy; every tenant policy is now the same predicate
-- for reading and writing, so the schema check can demand exactly that.
do $$
declare
    journal text;
begin
    for journal in select c.relname from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                   where n.nspname = 'public' and c.relkind = 'r' and c.relname like 'audit\_%'
                     and c.relname <> 'audit_chain_head' loop
        execute pg_catalog.format('alter policy tenant_isolation on public.%I'
                                  ' using (tenant_id = public.current_tenant_id())'
                                  ' with check (tenant_id = public.current_tenant_id())', journal);
    end loop;
end $$;

-- Only the schema owner runs these; nobody else needs to call them.
revoke execute on procedure public.tenant_isolate(text, text), public.audit_attach(text, text) from public;

-- Least privilege, stated whole: take back everything V1-V3 granted, then grant each plane its part.
revoke all on all tables in schema public from ${tenantRole}, ${controlRole};
grant usage on schema public to ${tenantRole}, ${controlRole};
grant select on flyway_schema_history, region_identity, region_reference to ${tenantRole}, ${controlRole};

grant select on tenants, catalog_templates to ${tenantRole};
-- Each plane may read (under row-level security) the journals of the tables it writes.
grant select, insert, update, delete on api_keys, users, groups, group_members, applications,
    app_user_assignments, app_group_assignments to ${tenantRole};
grant select on audit_tenants, audit_api_keys, audit_users, audit_groups, audit_group_members, audit_applications,
    audit_app_user_assignments, audit_app_group_assignments to ${tenantRole};

-- Deleting a tenant record cascades to its rows through foreign keys, which PostgreSQL runs as the table owner.
grant select, insert, update, delete on tenants, catalog_templates to ${controlRole};
grant select, insert on api_keys to ${controlRole};
grant select on audit_tenants to ${controlRole};
