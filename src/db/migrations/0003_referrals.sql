-- No wrong door: referrals from anyone, the single point of access's triage, and a waiting list
-- that loses no one. Also the platform pieces they need: the referrer role, team leads, partner
-- API keys, tenant settings, and the person access grants that let an organisation reach the
-- people routed to it.

-- Partner staff (GP practices, police, probation, CAMHS ...) refer through the web form and see
-- the status of what they sent; team leads see their whole organisation's caseloads.
ALTER TABLE staff_users DROP CONSTRAINT staff_users_role_check;
ALTER TABLE staff_users ADD CONSTRAINT staff_users_role_check
  CHECK (role IN ('admin', 'triage', 'navigator', 'provider', 'commissioner', 'referrer'));
ALTER TABLE staff_users ADD COLUMN team_lead boolean NOT NULL DEFAULT false;

-- The source a referral from this organisation counts under in the commissioner's report.
ALTER TABLE organisations ADD COLUMN referral_source text CHECK (referral_source IN
  ('gp', 'delivery_network', 'other_statutory', 'camhs', 'police', 'probation',
   'secondary_mental_health', 'voluntary', 'other'));

-- Knowing the person once: needs, how it is safe to contact them, their GP and consent to share
-- with the GP travel with the person record, so a second referral does not ask again.
ALTER TABLE people ADD COLUMN needs text[] NOT NULL DEFAULT '{}';
-- {"call": bool, "voicemail": bool, "text": bool, "email": bool, "letter": bool, "times": text, "notes": text}
ALTER TABLE people ADD COLUMN contact_preferences jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE people ADD COLUMN gp_organisation_id uuid;
ALTER TABLE people ADD COLUMN gp_practice_name text;
-- null: not asked yet
ALTER TABLE people ADD COLUMN consent_gp_share boolean;
ALTER TABLE people ADD CONSTRAINT people_gp_fk FOREIGN KEY (tenant_id, gp_organisation_id) REFERENCES organisations (tenant_id, id);
-- Likely-match lookups start from the date of birth when the family name differs (a new surname).
CREATE INDEX people_date_of_birth ON people (tenant_id, date_of_birth);
CREATE INDEX people_postcode ON people (tenant_id, postcode) WHERE postcode IS NOT NULL;

-- Which organisations may reach a person, and why, beyond the responsible organisation on the
-- person record: a referral routed to them, a support episode they hold. Features grant and end
-- access through src/platform/access.ts; the access check reads this one table, so no feature
-- reads another's tables to decide who may see a person.
CREATE TABLE person_access (
  tenant_id        text NOT NULL,
  person_id        uuid NOT NULL,
  organisation_id  uuid NOT NULL,
  -- why, in words written to the audit row: 'referral routed to organisation', 'support episode'
  basis            text NOT NULL,
  -- the record that grants it (a referral, an episode)
  source_id        uuid NOT NULL,
  granted_at       timestamptz NOT NULL DEFAULT now(),
  ended_at         timestamptz,
  PRIMARY KEY (tenant_id, person_id, organisation_id, source_id),
  FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
  FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);
CREATE INDEX person_access_organisation ON person_access (tenant_id, organisation_id, person_id) WHERE ended_at IS NULL;

-- One request for support. What the referrer sent is kept as sent (the person's details as given,
-- the reason in their words); the person record it is linked to may say otherwise.
CREATE TABLE referrals (
  tenant_id                  text NOT NULL REFERENCES tenants (id),
  id                         uuid NOT NULL DEFAULT gen_random_uuid(),
  -- what the person or referrer quotes: 'K7P9-Q2XM' (src/domain/reference-code.ts)
  reference                  text NOT NULL,
  -- a resubmitted form or retried API call carries the same key and gets the same referral;
  -- scoped by who sent it ('web:<uuid>', 'api:<organisation id>:<key>', 'staff:<uuid>')
  idempotency_key            text,
  -- SHA-256 of what was sent, so a key reused for different content is refused, not replayed
  request_hash               text,
  person_id                  uuid,
  -- linked: matched to an existing person (same NHS number, or a triage worker said so);
  -- created: a new person record; needs_review: likely matches wait for a triage worker
  match_status               text NOT NULL DEFAULT 'created' CHECK (match_status IN ('linked', 'created', 'needs_review')),
  source                     text NOT NULL CHECK (source IN
                               ('self', 'carer', 'gp', 'delivery_network', 'other_statutory', 'camhs', 'police',
                                'probation', 'secondary_mental_health', 'voluntary', 'other')),
  channel                    text NOT NULL CHECK (channel IN ('web', 'phone', 'email', 'text', 'face_to_face', 'letter', 'api')),
  -- when this referral reached Lantern
  received_at                timestamptz NOT NULL DEFAULT now(),
  -- when the person first asked for help: kept through redirects, and every clock runs from it
  original_received_at       timestamptz NOT NULL DEFAULT now(),
  redirected_from_id         uuid,
  -- a returning person (discharged within the tenant's come-back period) skips the triage queue
  fast_track                 boolean NOT NULL DEFAULT false,
  -- who referred: a signed-in partner, an API key's organisation, or a member of the public
  referrer_organisation_id   uuid,
  referrer_user_id           uuid,
  referrer_name              text,
  referrer_role              text,
  -- a carer's relationship to the person ('mother', 'partner')
  referrer_relationship      text,
  referrer_email             text,
  referrer_phone             text,
  -- the person as the referral described them
  given_name                 text NOT NULL,
  family_name                text NOT NULL,
  date_of_birth              date,
  nhs_number                 text CHECK (nhs_number ~ '^[0-9]{10}$'),
  postcode                   text,
  district                   text,
  phone                      text,
  email                      text,
  gp_organisation_id         uuid,
  gp_practice_name           text,
  contact_preferences        jsonb NOT NULL DEFAULT '{}'::jsonb,
  consent_gp_share           boolean,
  -- for referrals by someone else: the person knows about and agrees to the referral
  person_consents            boolean,
  reason                     text NOT NULL DEFAULT '' CHECK (length(reason) <= 5000),
  needs                      text[] NOT NULL DEFAULT '{}',
  -- "Are you in danger right now or thinking of ending your life?" answered yes
  crisis_flag                boolean NOT NULL DEFAULT false,
  -- {"eligible": bool, "reasons": [{"code", "message"}]} as checked at intake
  eligibility                jsonb NOT NULL DEFAULT '{"eligible": true, "reasons": []}'::jsonb,
  -- triage
  urgency                    text NOT NULL DEFAULT 'routine' CHECK (urgency IN ('crisis', 'urgent', 'routine')),
  urgency_rank               smallint GENERATED ALWAYS AS
                               (CASE urgency WHEN 'crisis' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END) STORED,
  -- the first-response clock (src/domain/working-days.ts firstResponseDue), from original_received_at
  due_at                     timestamptz NOT NULL,
  state                      text NOT NULL DEFAULT 'received' CHECK (state IN
                               ('received', 'waiting', 'signed_up', 'unable_to_sign_up', 'redirected', 'withdrawn')),
  triaged_at                 timestamptz,
  triaged_by                 uuid,
  triage_reasons             text,
  -- serious or common mental illness, as the commissioner counts them
  mental_health_need         text CHECK (mental_health_need IN ('smi', 'cmi', 'not_known')),
  dual_diagnosis             boolean,
  offending_history          boolean,
  area_id                    uuid,
  -- the strategic partner or delivery network provider that holds the referral now
  routed_organisation_id     uuid,
  responsible_user_id        uuid,
  -- a redirect's destination: a directory listing, and the note that went with it
  redirect_service_id        text,
  redirect_service_name      text,
  redirect_note              text,
  redirected_to_id           uuid,
  -- the first time someone reached the person (spoke, met): this stops the first-response clock
  first_reached_at           timestamptz,
  -- the latest attempt to keep in touch, whatever its outcome: the waiting list's reminders run from it
  last_contact_at            timestamptz,
  contact_attempts           integer NOT NULL DEFAULT 0,
  closed_at                  timestamptz,
  close_reason               text CHECK (close_reason IN
                               ('no_response', 'declined', 'not_eligible', 'insufficient_information', 'moved_away',
                                'already_supported', 'duplicate', 'entered_in_error', 'other')),
  close_note                 text,
  signed_up_at               timestamptz,
  episode_id                 uuid,
  created_at                 timestamptz NOT NULL DEFAULT now(),
  updated_at                 timestamptz NOT NULL DEFAULT now(),
  version                    integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, reference),
  FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
  FOREIGN KEY (tenant_id, referrer_organisation_id) REFERENCES organisations (tenant_id, id),
  FOREIGN KEY (tenant_id, referrer_user_id) REFERENCES staff_users (tenant_id, id),
  FOREIGN KEY (tenant_id, gp_organisation_id) REFERENCES organisations (tenant_id, id),
  FOREIGN KEY (tenant_id, area_id) REFERENCES areas (tenant_id, id),
  FOREIGN KEY (tenant_id, routed_organisation_id) REFERENCES organisations (tenant_id, id),
  FOREIGN KEY (tenant_id, responsible_user_id) REFERENCES staff_users (tenant_id, id),
  FOREIGN KEY (tenant_id, triaged_by) REFERENCES staff_users (tenant_id, id),
  FOREIGN KEY (tenant_id, redirected_from_id) REFERENCES referrals (tenant_id, id),
  CHECK (state <> 'unable_to_sign_up' OR close_reason IS NOT NULL)
);
CREATE UNIQUE INDEX referrals_idempotency ON referrals (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- The triage queue: referrals waiting for triage, crisis first, then by deadline.
CREATE INDEX referrals_triage_queue ON referrals (tenant_id, urgency_rank, due_at, id) WHERE state = 'received';
-- Waiting lists: an organisation's open referrals, longest waiting first.
CREATE INDEX referrals_waiting ON referrals (tenant_id, routed_organisation_id, original_received_at, id) WHERE state = 'waiting';
-- Reminders: people on a waiting list not contacted for the tenant's number of days.
CREATE INDEX referrals_waiting_contact ON referrals (tenant_id, (coalesce(last_contact_at, original_received_at))) WHERE state = 'waiting';
CREATE INDEX referrals_responsible ON referrals (tenant_id, responsible_user_id) WHERE state IN ('received', 'waiting');
CREATE INDEX referrals_person ON referrals (tenant_id, person_id, received_at DESC);
CREATE INDEX referrals_referrer ON referrals (tenant_id, referrer_organisation_id, received_at DESC);
-- Quarterly counts by source, sign-ups and unable to sign up.
CREATE INDEX referrals_received ON referrals (tenant_id, received_at);

-- Everything that happened to a referral, in order: each state change (with the action that made
-- it), allocation, match decision and note. The history a worker reads; audit_events is the
-- record of who read or changed what.
CREATE TABLE referral_events (
  tenant_id      text NOT NULL,
  id             bigint GENERATED ALWAYS AS IDENTITY,
  referral_id    uuid NOT NULL,
  at             timestamptz NOT NULL DEFAULT now(),
  actor_user_id  uuid,
  -- 'received', a state action (route, redirect, sign_up ...), 'allocate', 'match', 'urgency', 'contact_attempt', 'reminder'
  kind           text NOT NULL,
  from_state     text,
  to_state       text,
  note           text,
  detail         jsonb,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, referral_id) REFERENCES referrals (tenant_id, id)
);
CREATE INDEX referral_events_referral ON referral_events (tenant_id, referral_id, id);

-- Attempts to reach the person while they wait: every call, text and letter, and what happened.
CREATE TABLE referral_contact_attempts (
  tenant_id      text NOT NULL,
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  referral_id    uuid NOT NULL,
  at             timestamptz NOT NULL,
  by_user_id     uuid NOT NULL,
  channel        text NOT NULL CHECK (channel IN ('phone', 'text', 'email', 'letter', 'face_to_face', 'video')),
  outcome        text NOT NULL CHECK (outcome IN
                   ('spoke', 'no_answer', 'left_voicemail', 'message_sent', 'wrong_number', 'declined', 'met')),
  -- true when the person was reached (spoke, met, or declined in person): this stops the clock
  reached        boolean NOT NULL,
  note           text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, referral_id) REFERENCES referrals (tenant_id, id),
  FOREIGN KEY (tenant_id, by_user_id) REFERENCES staff_users (tenant_id, id)
);
CREATE INDEX referral_contact_attempts_referral ON referral_contact_attempts (tenant_id, referral_id, at);

-- A self-referral the person chose to save and finish later: the answers so far, found by the
-- hash of the link's token (the token itself is only in the link), deleted once expired.
CREATE TABLE referral_drafts (
  token_hash   text PRIMARY KEY,
  tenant_id    text NOT NULL REFERENCES tenants (id),
  answers      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX referral_drafts_expiry ON referral_drafts (expires_at);

-- Partner systems refer through the JSON API with a key per organisation. Only the key's SHA-256
-- is stored; the key is shown once, when it is made.
CREATE TABLE api_keys (
  tenant_id        text NOT NULL REFERENCES tenants (id),
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  organisation_id  uuid NOT NULL,
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- the first characters of the key, to tell keys apart on the admin page
  prefix           text NOT NULL,
  key_hash         text NOT NULL UNIQUE,
  created_by       uuid,
  created_at       timestamptz NOT NULL DEFAULT now(),
  last_used_at     timestamptz,
  revoked_at       timestamptz,
  revoked_by       uuid,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);
CREATE INDEX api_keys_organisation ON api_keys (tenant_id, organisation_id);
