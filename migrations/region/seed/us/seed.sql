-- Reference data of the us region (us-east-2). Loaded by `iru migrate --seed`, only into a database that records
-- region `us`. Idempotent.
insert into region_reference (key, value) values
    ('region.code', 'us'),
    ('region.aws', 'us-east-2'),
    ('region.display_name', 'United States'),
    ('region.default_timezone', 'America/New_York'),
    ('region.privacy_framework', 'CCPA/CPRA')
on conflict (key) do update set value = excluded.value;
