-- Reference data of the eu region (eu-central-1). Loaded by `iru migrate --seed`, only into a database that records
-- region `eu`. Idempotent.
insert into region_reference (key, value) values
    ('region.code', 'eu'),
    ('region.aws', 'eu-central-1'),
    ('region.display_name', 'European Union'),
    ('region.default_timezone', 'Europe/Berlin'),
    ('region.privacy_framework', 'GDPR')
on conflict (key) do update set value = excluded.value;
