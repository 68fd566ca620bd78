-- The partner API: polling for the status of an organisation's referrals, and telling its keys
-- apart (the api_keys table itself is in 0003).

-- GET /api/v1/referrals?updatedSince=&cursor= reads one organisation's referrals in
-- (updated_at, id) order from a position: a keyset page, whatever the size of the table.
CREATE INDEX referrals_referrer_updated ON referrals (tenant_id, referrer_organisation_id, updated_at, id)
  WHERE referrer_organisation_id IS NOT NULL;

-- An organisation's working keys have different names, so an administrator revoking one knows
-- which system will stop. Revoked keys keep their names for the record.
CREATE UNIQUE INDEX api_keys_active_name ON api_keys (tenant_id, organisation_id, lower(name)) WHERE revoked_at IS NULL;
