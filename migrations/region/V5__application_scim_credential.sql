-- SCIM credentials leave the tenant's hands: an application no longer names a secret of its choosing (a tenant could
-- have pointed our provisioning at any secret in the store). The platform stores each application's credential under
-- a name it derives, `scim/<tenant_id>/<app_id>`, and the database only records that one is set, and when.

-- The journal keeps the column: the entries written with it must stay verifiable. New entries carry null there.
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
call tenant_isolate('application_scim_credentials', '${appRole}');
call audit_attach('application_scim_credentials', '${appRole}');

-- The hash of an entry now covers the row as its journal stores it (columns the table has dropped read as null), which
-- is exactly what `verify-audit` reads back. Before, it covered the live row, so the first write after a column was
-- dropped would have produced an entry that verifies as altered. For tables whose journal has exactly the table's
-- columns the two are the same JSON, so earlier entries verify as before.
create or replace function audit_append() returns trigger language plpgsql security definer
    set search_path = pg_catalog, pg_temp as $$
declare
    journal   text  := 'audit_' || tg_table_name;
    row_data  jsonb := case when tg_op = 'DELETE' then to_jsonb(old) else to_jsonb(new) end;
    tenant    uuid  := (row_data ->> 'tenant_id')::uuid;
    at        timestamptz := clock_timestamp();
    actor     text  := coalesce(nullif(current_setting('iru.actor', true), ''), session_user);
    tx        bigint := txid_current();
    prev_seq  bigint;
    prev_hash bytea;
    entry     bytea;
begin
    execute format('select to_jsonb(r) - array[''audit_seq'', ''audit_op'', ''audit_at'', ''audit_actor'','
                   ' ''audit_txid'', ''audit_prev_hash'', ''audit_hash''] from jsonb_populate_record(null::public.%I, $1) r',
                   journal)
        into row_data using row_data;
    insert into public.audit_chain_head (tenant_id, last_seq, last_hash) values (tenant, 0, ''::bytea)
        on conflict (tenant_id) do nothing;
    select h.last_seq, h.last_hash into prev_seq, prev_hash from public.audit_chain_head h where h.tenant_id = tenant
        for update;
    entry := public.audit_entry_hash(prev_hash, tg_table_name, tg_op, prev_seq + 1,
                                     (extract(epoch from at) * 1000000)::bigint, actor, tx, row_data);
    update public.audit_chain_head set last_seq = prev_seq + 1, last_hash = entry where tenant_id = tenant;
    execute format('insert into public.%I select * from jsonb_populate_record(null::public.%I, $1)', journal, journal)
        using row_data || jsonb_build_object(
            'audit_seq', prev_seq + 1, 'audit_op', tg_op, 'audit_at', at, 'audit_actor', actor, 'audit_txid', tx,
            'audit_prev_hash', '\x' || encode(prev_hash, 'hex'), 'audit_hash', '\x' || encode(entry, 'hex'));
    return null;
end $$;
