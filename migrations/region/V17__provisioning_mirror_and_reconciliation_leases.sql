-- 1. A fifth class of tenant table, `mirror`: what we know of state held OUTSIDE, in a downstream application, which
--    reconciliation can rebuild by asking that application. `app_accounts` (V12) is one: per provisioned subject the
--    remote id and ETag the application gave it. Its rows change with every delivery, and the changes that cause
--    them (users, groups, memberships, assignments, application settings) are journaled already; what a row says is
--    the application's own state, which the application keeps and reports (`GET /Users`), not a decision of ours.
--    Journaling it put every delivery of a tenant through the tenant's journal chain head: the trigger locks that
--    row until commit, so one tenant's deliveries committed one at a time, each waiting for the one before to flush
--    its WAL (measured: README, Benchmarks). A mirror is isolated by the same tenant policy and has no row journal.
--
--    The journal `audit_app_accounts` stays, frozen: its entries are links of each tenant's hash chain, so removing
--    them would break every chain that went through them. Its append-only triggers stay; only the trigger that
--    wrote it goes. `verify-audit` checks a mirror has no journaling trigger, and that a frozen journal, if any, is
--    still append-only; chains are still verified through its entries.
alter table tenant_table_classes drop constraint tenant_table_classes_class_check;
alter table tenant_table_classes add constraint tenant_table_classes_class_check
    check (class in ('journaled', 'ephemeral', 'security-event', 'queue', 'mirror'));

create procedure public.tenant_mirror(tbl text, app_role text) language plpgsql
    set search_path = pg_catalog, pg_temp as $$
begin
    call public.tenant_isolate(tbl, app_role);
    insert into public.tenant_table_classes (table_name, class) values (tbl, 'mirror');
end $$;
revoke execute on procedure public.tenant_mirror(text, text) from public;

drop trigger app_accounts_audit on app_accounts;
update tenant_table_classes set class = 'mirror' where table_name = 'app_accounts';

-- 2. Periodic reconciliation runs in every tenant plane and every `iru workers` process; each application should be
--    reconciled once per interval, not once per instance. Before reconciling an application an instance takes its
--    lease for the interval in the tenant's own routed transaction:
--        insert … on conflict (tenant_id, app_id) do update set expires_at = <now + interval>
--            where app_reconciliation_leases.expires_at <= <now> returning …
--    The row lock makes concurrent takers queue; the second re-reads the row the first committed, finds it unexpired
--    and gets nothing back. Ephemeral: a lease is worth nothing once it expires (a swept row is simply taken again).
create table app_reconciliation_leases (
    tenant_id  uuid not null references tenants (tenant_id) on delete cascade,
    app_id     uuid not null,
    holder     text not null check (length(holder) between 1 and 200),
    taken_at   timestamptz not null,
    expires_at timestamptz not null,
    primary key (tenant_id, app_id),
    foreign key (tenant_id, app_id) references applications (tenant_id, app_id) on delete cascade
);
call tenant_ephemeral('app_reconciliation_leases', '${tenantRole}');

-- 3. A worker reports an outcome (complete, retry later, park, release) by lease token, within its tenant. No index
--    led there: each report walked every outbox row of the tenant through the primary key's tenant prefix, so a
--    report cost grew with the tenant's backlog (2,000 rows queued by one group assignment: ~1,000 rows visited per
--    delivery). Only leased rows are indexed.
create index provisioning_outbox_lease on provisioning_outbox (tenant_id, lease_token) where lease_token is not null;
