-- Each regional database records, once, the region it belongs to. The router refuses a pool whose database names
-- another region (cross-wired URLs would be a residency breach).
create table region_identity (
    singleton   boolean primary key default true check (singleton),
    region      text not null check (region in ('us', 'eu')),
    recorded_at timestamptz not null default now()
);

create or replace function region_identity_is_immutable() returns trigger language plpgsql as $$
begin
    raise exception 'region_identity is written once and never changed';
end $$;

create trigger region_identity_immutable before update or delete on region_identity
    for each row execute function region_identity_is_immutable();

grant usage on schema public to ${appRole};
grant select on flyway_schema_history to ${appRole};
grant select on region_identity to ${appRole};
