-- A suspended tenant keeps its slug and its data but is not served: the tenant plane answers every request for it
-- with 403 tenant-suspended. The directory carries the status because routing reads nothing else.
alter table tenant_directory drop constraint tenant_directory_status_check;
alter table tenant_directory add constraint tenant_directory_status_check
    check (status in ('provisioning', 'active', 'suspended', 'deleted'));
