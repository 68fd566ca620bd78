-- Linking a carer looks for the same carer already known (same name, and the same phone or email),
-- so a carer of two people has one record: found by name within the tenant.
CREATE INDEX carers_name ON carers (tenant_id, lower(family_name), lower(given_name));
