-- The provisioning outbox: a row per change that an application's accounts must follow, written in the same
-- transaction as the change. A row names a subject to bring in line (state, not payload); workers deliver later.
--
-- A fourth class of tenant table, `queue`: isolated by the same tenant policy (so the failures API reads it under
-- row-level security), not row-journaled (rows come and go with every delivery; the changes that caused them are
-- journaled already), and not ephemeral (a parked row stays until someone retries it). Besides the tenant policy a
-- queue has exactly one more: `queue_claim`, for the table's owner only. The owner can already switch row-level
-- security off on its own tables, so that policy gives nobody anything new; what it does is let a SECURITY DEFINER
-- function owned by the owner (provisioning_claim below, the workers' only way across tenants) see every tenant's
-- due rows. The runtime role may execute that function; it cannot log in as the owner.
alter table tenant_table_classes drop constraint tenant_table_classes_class_check;
alter table tenant_table_classes add constraint tenant_table_classes_class_check
    check (class in ('journaled', 'ephemeral', 'security-event', 'queue'));

create procedure public.tenant_queue(tbl text, app_role text) language plpgsql
    set search_path = pg_catalog, pg_temp as $$
begin
    call public.tenant_isolate(tbl, app_role);
    execute format('create policy queue_claim on public.%I to %I using (true) with check (true)',
                   tbl, (select c.relowner::regrole::text from pg_catalog.pg_class c
                         where c.oid = format('public.%I', tbl)::regclass));
    insert into public.tenant_table_classes (table_name, class) values (tbl, 'queue');
end $$;
revoke execute on procedure public.tenant_queue(text, text) from public;

create table provisioning_outbox (
    tenant_id        uuid not null references tenants (tenant_id) on delete cascade,
    seq              bigint generated always as identity,   -- the outbox order, across tenants
    id               uuid not null default pg_catalog.gen_random_uuid(),  -- what the failures API calls it
    app_id           uuid not null,
    subject_kind     text not null check (subject_kind in ('user', 'group')),
    subject_id       uuid not null,                         -- no foreign key: a deleted user still needs its task
    cause            text not null check (cause ~ '^[a-z][a-z0-9_.-]{0,63}$'),
    traceparent      text check (traceparent ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$'),
    attempts         integer not null default 0 check (attempts >= 0),
    next_attempt_at  timestamptz not null,
    lease_owner      text check (length(lease_owner) <= 200),
    lease_token      uuid,
    lease_expires_at timestamptz,
    last_error       text check (length(last_error) <= 2000),
    parked_at        timestamptz,
    created_at       timestamptz not null,
    primary key (tenant_id, seq),
    -- The application gone, there is nowhere to deliver to: its pending rows go with it.
    foreign key (tenant_id, app_id) references applications (tenant_id, app_id) on delete cascade,
    check ((lease_token is null) = (lease_expires_at is null))
);
create unique index provisioning_outbox_seq on provisioning_outbox (seq);
create unique index provisioning_outbox_id on provisioning_outbox (tenant_id, id);
create index provisioning_outbox_pending on provisioning_outbox (seq) where parked_at is null;
create index provisioning_outbox_subject on provisioning_outbox (tenant_id, app_id, subject_kind, subject_id);
create index provisioning_outbox_parked on provisioning_outbox (tenant_id, seq) where parked_at is not null;
call tenant_queue('provisioning_outbox', '${tenantRole}');

-- Claims up to `batch` subjects whose oldest pending row is due, oldest first, across every tenant of this region.
-- For each subject it leases all its pending rows at once under one token: one lease per subject, never two, and the
-- rows that arrive after the claim stay unleased for the next one. A subject some other claim is working on is skipped
-- (rows locked: SKIP LOCKED; claim not yet committed: the advisory lock; claim committed: the unexpired lease).
-- Returns one row per subject: the newest leased row's cause and trace, and the attempt this delivery is.
create function public.provisioning_claim(worker text, batch integer, lease_seconds integer)
    returns table (tenant_id uuid, seq bigint, app_id uuid, subject_kind text, subject_id uuid, cause text,
                   traceparent text, attempt integer, lease_token uuid)
    language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    candidate record;
    token     uuid;
    claimed   integer := 0;
    now_at    timestamptz := pg_catalog.clock_timestamp();
    seen      text[] := '{}';
    subject   text;
begin
    if batch < 1 or batch > 100 or lease_seconds < 1 or lease_seconds > 3600 then
        raise exception 'batch must be 1..100 and lease_seconds 1..3600' using errcode = 'invalid_parameter_value';
    end if;
    for candidate in
        select o.tenant_id, o.app_id, o.subject_kind, o.subject_id from public.provisioning_outbox o
        where o.parked_at is null and o.next_attempt_at <= now_at
          and (o.lease_expires_at is null or o.lease_expires_at <= now_at)
          -- a subject being delivered keeps its newer rows for later; they must not crowd the others out
          and not exists (select 1 from public.provisioning_outbox l
              where l.tenant_id = o.tenant_id and l.app_id = o.app_id and l.subject_kind = o.subject_kind
                and l.subject_id = o.subject_id and l.parked_at is null and l.lease_expires_at > now_at)
        order by o.seq limit batch * 20
        for update skip locked
    loop
        exit when claimed >= batch;
        subject := candidate.tenant_id::text || '/' || candidate.app_id::text || '/' || candidate.subject_kind
                   || '/' || candidate.subject_id::text;
        continue when subject = any (seen);
        seen := seen || subject;
        continue when not pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtextextended(subject, 0));
        -- Checked again after the advisory lock: a claim that committed since this scan began has leased it.
        continue when exists (select 1 from public.provisioning_outbox o
            where o.tenant_id = candidate.tenant_id and o.app_id = candidate.app_id
              and o.subject_kind = candidate.subject_kind and o.subject_id = candidate.subject_id
              and o.parked_at is null and o.lease_expires_at > now_at);
        token := pg_catalog.gen_random_uuid();
        return query
            with mine as (
                select o.seq from public.provisioning_outbox o
                where o.tenant_id = candidate.tenant_id and o.app_id = candidate.app_id
                  and o.subject_kind = candidate.subject_kind and o.subject_id = candidate.subject_id
                  and o.parked_at is null
                for update skip locked),
            leased as (
                update public.provisioning_outbox o
                set lease_owner = worker, lease_token = token,
                    lease_expires_at = now_at + pg_catalog.make_interval(secs => lease_seconds)
                from mine where o.tenant_id = candidate.tenant_id and o.seq = mine.seq
                returning o.seq, o.cause, o.traceparent, o.attempts)
            select candidate.tenant_id, newest.seq, candidate.app_id, candidate.subject_kind, candidate.subject_id,
                   newest.cause, newest.traceparent, (select max(l.attempts) from leased l) + 1, token
            from (select l.seq, l.cause, l.traceparent from leased l order by l.seq desc limit 1) newest;
        claimed := claimed + 1;
    end loop;
end $$;
revoke execute on function public.provisioning_claim(text, integer, integer) from public;
grant execute on function public.provisioning_claim(text, integer, integer) to ${tenantRole};
