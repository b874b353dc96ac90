-- Aggregates of the provisioning outbox across every tenant of this region, for the workers' gauges. Row-level
-- security hides other tenants' rows from the runtime role, so, like provisioning_claim, this is a SECURITY DEFINER
-- function owned by the table's owner (the `queue_claim` policy lets it see every row). It returns three numbers and
-- nothing else: no tenant id, no subject, no error text. Only the tenant runtime role (the workers' role) may call it.
create function public.provisioning_outbox_stats()
    returns table (pending bigint, parked bigint, oldest_pending_seconds double precision)
    language sql stable security definer set search_path = pg_catalog, pg_temp as $$
    select pg_catalog.count(*) filter (where o.parked_at is null),
           pg_catalog.count(*) filter (where o.parked_at is not null),
           coalesce(pg_catalog.date_part('epoch', pg_catalog.clock_timestamp()
               - pg_catalog.min(o.created_at) filter (where o.parked_at is null)), 0)
    from public.provisioning_outbox o
$$;
revoke execute on function public.provisioning_outbox_stats() from public;
grant execute on function public.provisioning_outbox_stats() to ${tenantRole};
