-- Indexes for every filter and join the tenant API offers, usable by the runtime role under row-level security.
--
-- Under row-level security PostgreSQL evaluates a query's own conditions after the tenant policy unless they are
-- leakproof, and only leakproof conditions may become index conditions. `lower(user_name) = lower(?)` is not (the
-- function `lower` is not leakproof), so the V3 indexes on `lower(user_name)` and `lower(email)` were never used by
-- the runtime role: EXPLAIN showed a Seq Scan over every tenant's users for a `userName` filter. The case-folded
-- values are therefore stored generated columns, compared with leakproof operators only (`=` and `starts_with`), and
-- indexed with `text_pattern_ops`, which orders by bytes whatever the database collation is, so a prefix is one range
-- of the index (a `like` prefix needs that or the C collation; `like` itself is not leakproof either).
--
-- users and groups are journaled: their journals get the same columns (nullable: earlier entries, which did not
-- have them, still hash as they were written).

alter table users
    add column user_name_key text generated always as (lower(user_name)) stored,
    add column email_key text generated always as (lower(email)) stored,
    add column display_name_key text generated always as (lower(display_name)) stored;
alter table audit_users add column user_name_key text, add column email_key text, add column display_name_key text;

create unique index users_user_name_key on users (tenant_id, user_name_key text_pattern_ops);
drop index users_user_name;
alter index users_user_name_key rename to users_user_name;
create index users_email_key on users (tenant_id, email_key text_pattern_ops);
drop index users_email;
alter index users_email_key rename to users_email;
create index users_display_name on users (tenant_id, display_name_key text_pattern_ops);

alter table groups add column display_name_key text generated always as (lower(display_name)) stored;
alter table audit_groups add column display_name_key text;
create unique index groups_display_name_key on groups (tenant_id, display_name_key text_pattern_ops);
drop index groups_display_name;
alter index groups_display_name_key rename to groups_display_name;

-- Assignment lookups by user and by group (which applications a user or a group is assigned to, provisioning's
-- fan-out, and the cascades when a user or a group is deleted); the primary keys lead with the application.
create index app_user_assignments_user on app_user_assignments (tenant_id, user_id);
create index app_group_assignments_group on app_group_assignments (tenant_id, group_id);
