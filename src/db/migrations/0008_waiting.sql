-- Waiting lists and sign-up: contact attempts recorded once however often the form is sent,
-- the waiting list's filters and sorts kept fast at national scale, and the no-contact reminder's
-- "at most once per referral per reminder period" found without scanning a referral's history.

-- A double-clicked "Save" records one attempt: the form carries a key made when it was shown.
-- The attempts count towards closing as "no response", so a duplicate would change what the
-- commissioner's report counts.
ALTER TABLE referral_contact_attempts ADD COLUMN form_key uuid;
CREATE UNIQUE INDEX referral_contact_attempts_form_key ON referral_contact_attempts (tenant_id, form_key) WHERE form_key IS NOT NULL;

-- The single point of access's view of every waiting list, longest waiting first (the existing
-- referrals_waiting index leads with the organisation, so it only serves one organisation's list).
CREATE INDEX referrals_waiting_tenant ON referrals (tenant_id, original_received_at, id) WHERE state = 'waiting';
-- Every waiting list by first-response deadline: those nobody has reached yet come first.
CREATE INDEX referrals_waiting_tenant_due ON referrals (tenant_id, due_at, id) WHERE state = 'waiting' AND first_reached_at IS NULL;
-- The single point of access filters the whole tenant's waiting lists by area.
CREATE INDEX referrals_waiting_area ON referrals (tenant_id, area_id, original_received_at, id) WHERE state = 'waiting';
-- An organisation's waiting list sorted by who is most overdue a contact.
CREATE INDEX referrals_waiting_organisation_contact
  ON referrals (tenant_id, routed_organisation_id, (coalesce(last_contact_at, original_received_at)), id) WHERE state = 'waiting';
-- An organisation's waiting list sorted by the first-response deadline of those not yet reached.
CREATE INDEX referrals_waiting_organisation_due
  ON referrals (tenant_id, routed_organisation_id, due_at, id) WHERE state = 'waiting' AND first_reached_at IS NULL;

-- The last no-contact reminder about a referral (the sweep's once-per-period rule).
CREATE INDEX referral_events_reminders ON referral_events (tenant_id, referral_id, at DESC) WHERE kind = 'reminder';
