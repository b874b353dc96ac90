-- Why the tenant's status last changed (a suspension or a resumption), given by the operator. The journal row of each
-- change carries it, so `audit_tenants` answers "who suspended this tenant, when, and why". Null until the first change.
alter table tenants add column status_reason text check (length(status_reason) between 1 and 500);
-- A journal's columns must stay exactly its table's (verify-audit checks it).
alter table audit_tenants add column status_reason text;
