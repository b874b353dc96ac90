-- Least privilege between the planes (see migrations/region/V4): the tenant plane only resolves slugs; the control
-- plane owns the directory, tenant-creation requests and the catalog. Neither can create temporary or other objects.
-- (`${appRole}` in V1-V3 is the tenant role; every grant those migrations made is replaced here.)
do $$
begin
    execute format('revoke temporary, create on database %I from public, %I, %I',
                   current_database(), '${tenantRole}', '${controlRole}');
end $$;
revoke create on schema public from public;

revoke all on all tables in schema public from ${tenantRole}, ${controlRole};
grant usage on schema public to ${tenantRole}, ${controlRole};
grant select on flyway_schema_history to ${tenantRole}, ${controlRole};

grant select on tenant_directory to ${tenantRole};
grant select, insert, update, delete on tenant_directory, tenant_creation_requests, catalog_templates
    to ${controlRole};
