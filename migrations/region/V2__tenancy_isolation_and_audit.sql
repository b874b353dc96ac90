-- Row-level security and the append-only, hash-chained audit journal for every tenant-scoped table.
--
-- Conventions every later migration follows for a new tenant-scoped table T:
--   1. T has `tenant_id uuid not null references tenants (tenant_id) on delete cascade`;
--   2. `call tenant_isolate('T', '${appRole}')` enables and forces row-level security with a policy on
--      current_setting('iru.tenant_id') and grants the runtime role what it needs;
--   3. `call audit_attach('T', '${appRole}')` creates the journal `audit_T` (T's columns plus the audit columns) and
--      the triggers that write it.
-- A migration that later alters T must alter `audit_T` the same way; `iru verify-audit` (also run by `migrate`)
-- fails otherwise, naming the table and column.

-- The tenant id this transaction runs for, or null: with no tenant set, policies match nothing.
create function current_tenant_id() returns uuid language sql stable as $$
    select nullif(current_setting('iru.tenant_id', true), '')::uuid
$$;

create procedure tenant_isolate(tbl text, app_role text) language plpgsql as $$
begin
    execute format('alter table %I enable row level security', tbl);
    execute format('alter table %I force row level security', tbl);
    execute format('create policy tenant_isolation on %I using (tenant_id = current_tenant_id())'
                   ' with check (tenant_id = current_tenant_id())', tbl);
    execute format('grant select, insert, update, delete on %I to %I', tbl, app_role);
end $$;

-- One chain per tenant across all of its journals: the head holds the last sequence number and hash.
create table audit_chain_head (
    tenant_id uuid primary key,
    last_seq  bigint not null,
    last_hash bytea  not null
);
alter table audit_chain_head enable row level security;
alter table audit_chain_head force row level security;
create policy tenant_isolation on audit_chain_head using (tenant_id = current_tenant_id())
    with check (tenant_id = current_tenant_id());

-- The hash of one entry: SHA-256 over the previous hash and a canonical text encoding of the entry. `verify-audit`
-- recomputes it outside the database from the same fields.
create function audit_entry_hash(prev bytea, tbl text, op text, seq bigint, at_micros bigint, actor text,
                                 txid bigint, data jsonb) returns bytea language sql immutable as $$
    select sha256(prev || convert_to(tbl || '|' || op || '|' || seq || '|' || at_micros || '|' || actor || '|'
                                     || txid || '|' || data::text, 'UTF8'))
$$;

-- Row trigger on every tenant-scoped table. SECURITY DEFINER: the runtime role cannot write journals itself.
-- The head row is locked for update, so concurrent writers of one tenant take turns and the chain stays linear.
create function audit_append() returns trigger language plpgsql security definer set search_path = public as $$
declare
    row_data  jsonb := case when tg_op = 'DELETE' then to_jsonb(old) else to_jsonb(new) end;
    tenant    uuid  := (row_data ->> 'tenant_id')::uuid;
    at        timestamptz := clock_timestamp();
    actor     text  := coalesce(nullif(current_setting('iru.actor', true), ''), session_user);
    tx        bigint := txid_current();
    prev_seq  bigint;
    prev_hash bytea;
    entry     bytea;
begin
    insert into audit_chain_head (tenant_id, last_seq, last_hash) values (tenant, 0, ''::bytea)
        on conflict (tenant_id) do nothing;
    select last_seq, last_hash into prev_seq, prev_hash from audit_chain_head where tenant_id = tenant for update;
    entry := audit_entry_hash(prev_hash, tg_table_name, tg_op, prev_seq + 1,
                              (extract(epoch from at) * 1000000)::bigint, actor, tx, row_data);
    update audit_chain_head set last_seq = prev_seq + 1, last_hash = entry where tenant_id = tenant;
    execute format('insert into %I select * from jsonb_populate_record(null::%I, $1)',
                   'audit_' || tg_table_name, 'audit_' || tg_table_name)
        using row_data || jsonb_build_object(
            'audit_seq', prev_seq + 1, 'audit_op', tg_op, 'audit_at', at, 'audit_actor', actor, 'audit_txid', tx,
            'audit_prev_hash', '\x' || encode(prev_hash, 'hex'), 'audit_hash', '\x' || encode(entry, 'hex'));
    return null;
end $$;

create function audit_journal_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit journal % is append-only: % refused', tg_table_name, tg_op
        using errcode = 'insufficient_privilege';
end $$;

create procedure audit_attach(tbl text, app_role text) language plpgsql as $$
declare
    journal text := 'audit_' || tbl;
begin
    execute format('create table %I (like %I)', journal, tbl);
    execute format('alter table %I add column audit_seq bigint not null, add column audit_op text not null,'
                   ' add column audit_at timestamptz not null, add column audit_actor text not null,'
                   ' add column audit_txid bigint not null, add column audit_prev_hash bytea not null,'
                   ' add column audit_hash bytea not null', journal);
    execute format('alter table %I add primary key (tenant_id, audit_seq)', journal);
    execute format('alter table %I enable row level security', journal);
    execute format('alter table %I force row level security', journal);
    execute format('create policy tenant_isolation on %I using (tenant_id = current_tenant_id())', journal);
    execute format('create trigger %I after insert or update or delete on %I for each row'
                   ' execute function audit_append()', tbl || '_audit', tbl);
    execute format('create trigger %I before update or delete on %I for each row'
                   ' execute function audit_journal_is_append_only()', journal || '_append_only', journal);
    execute format('create trigger %I before truncate on %I for each statement'
                   ' execute function audit_journal_is_append_only()', journal || '_no_truncate', journal);
    execute format('revoke all on %I from %I', journal, app_role);
    execute format('grant select on %I to %I', journal, app_role);
end $$;

-- The tenant record: the truth the router checks. Its primary key is named tenant_id like every tenant table's.
create table tenants (
    tenant_id  uuid primary key,
    slug       text not null check (slug ~ '^[a-z0-9-]{3,63}$'),
    name       text not null check (length(name) between 1 and 200),
    region     text not null check (region in ('us', 'eu')),
    status     text not null check (status in ('active', 'suspended')),
    created_at timestamptz not null default now()
);
call tenant_isolate('tenants', '${appRole}');
call audit_attach('tenants', '${appRole}');

-- Region-wide reference data loaded by `iru migrate --seed` (not tenant data: no RLS, read-only to the runtime).
create table region_reference (
    key   text primary key,
    value text not null
);
grant select on region_reference to ${appRole};
