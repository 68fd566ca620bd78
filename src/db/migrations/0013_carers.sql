-- Carers and the crisis plan (issue 5), and the person's and carer's own pages through a secure
-- link (the portal).
--
-- A crisis plan belongs to the person, not to an episode: it follows them across episodes. A
-- carer has a record of their own and is linked to a person with the person's consent and its
-- scope; consent is read from carer_links on every request that shows a carer anything, so a
-- withdrawal takes effect at once. Portal links and sessions store only the SHA-256 of their
-- tokens.

CREATE TABLE crisis_plans (
  tenant_id        text NOT NULL,
  person_id        uuid NOT NULL,
  -- in the person's own words where possible
  warning_signs    text NOT NULL DEFAULT '' CHECK (length(warning_signs) <= 4000),
  what_helps       text NOT NULL DEFAULT '' CHECK (length(what_helps) <= 4000),
  what_to_avoid    text NOT NULL DEFAULT '' CHECK (length(what_to_avoid) <= 4000),
  -- who to call: [{"name": text, "role": text, "phone": text}] (src/domain/crisis-plan.ts);
  -- the national options (999, NHS 111 option 2, Samaritans, Shout) are always shown beside them
  contacts         jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(contacts) = 'array'),
  -- when a worker last went through the plan with the person
  reviewed_on      date NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  created_by       uuid NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  updated_by       uuid NOT NULL,
  version          integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, person_id),
  FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
  FOREIGN KEY (tenant_id, created_by) REFERENCES staff_users (tenant_id, id),
  FOREIGN KEY (tenant_id, updated_by) REFERENCES staff_users (tenant_id, id)
);
-- Plans not gone through for a long time, for a review list.
CREATE INDEX crisis_plans_reviewed ON crisis_plans (tenant_id, reviewed_on);

-- A carer's own record: who they are, how to reach them and how they want to be contacted.
CREATE TABLE carers (
  tenant_id            text NOT NULL REFERENCES tenants (id),
  id                   uuid NOT NULL DEFAULT gen_random_uuid(),
  given_name           text NOT NULL CHECK (length(given_name) BETWEEN 1 AND 100),
  family_name          text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 100),
  phone                text,
  email                text,
  -- the same shape as people.contact_preferences (src/domain/contact-preferences.ts)
  contact_preferences  jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at           timestamptz NOT NULL DEFAULT now(),
  created_by           uuid,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  version              integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, created_by) REFERENCES staff_users (tenant_id, id)
);

-- A carer linked to a person: the relationship, and what the person allows the carer to see or be
-- told now. An empty scope means nothing is shared (consent never given, or withdrawn).
CREATE TABLE carer_links (
  tenant_id              text NOT NULL,
  id                     uuid NOT NULL DEFAULT gen_random_uuid(),
  person_id              uuid NOT NULL,
  carer_id               uuid NOT NULL,
  -- in words: 'mother', 'partner', 'friend'
  relationship           text NOT NULL CHECK (length(relationship) BETWEEN 1 AND 100),
  consent_scope          text[] NOT NULL DEFAULT '{}'
                           CHECK (consent_scope <@ ARRAY['appointments', 'plan', 'crisis_plan']::text[]),
  -- the latest consent decision: how it was given, when, and by whom (a staff member, or the
  -- person themselves in their own pages when consent_recorded_by is null)
  consent_how            text NOT NULL CHECK (consent_how IN ('in_person', 'phone', 'video', 'in_writing', 'own_pages')),
  consent_recorded_at    timestamptz NOT NULL DEFAULT now(),
  consent_recorded_by    uuid,
  -- set when consent was last withdrawn (scope emptied); cleared when it is given again
  consent_withdrawn_at   timestamptz,
  created_at             timestamptz NOT NULL DEFAULT now(),
  created_by             uuid NOT NULL,
  version                integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, person_id, carer_id),
  FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
  FOREIGN KEY (tenant_id, carer_id) REFERENCES carers (tenant_id, id),
  FOREIGN KEY (tenant_id, created_by) REFERENCES staff_users (tenant_id, id),
  FOREIGN KEY (tenant_id, consent_recorded_by) REFERENCES staff_users (tenant_id, id),
  CHECK (consent_how <> 'own_pages' OR consent_recorded_by IS NULL)
);
CREATE INDEX carer_links_carer ON carer_links (tenant_id, carer_id);
-- Other features ask "which carers may be told about appointments?": the person's links with a scope.
CREATE INDEX carer_links_sharing ON carer_links (tenant_id, person_id) WHERE consent_scope <> '{}';

-- Every consent decision, oldest first: what was allowed before and after, how it was given, and
-- who recorded it. The link holds only the latest.
CREATE TABLE carer_consent_events (
  tenant_id            text NOT NULL,
  id                   bigint GENERATED ALWAYS AS IDENTITY,
  link_id              uuid NOT NULL,
  at                   timestamptz NOT NULL DEFAULT now(),
  previous_scope       text[],
  scope                text[] NOT NULL,
  -- src/domain/carer-consent.ts scopeChange
  change               text NOT NULL CHECK (change IN ('given', 'none_given', 'widened', 'narrowed', 'changed', 'withdrawn', 'unchanged')),
  how                  text NOT NULL CHECK (how IN ('in_person', 'phone', 'video', 'in_writing', 'own_pages')),
  -- a staff member, or null when the person did it in their own pages
  recorded_by          uuid,
  note                 text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, link_id) REFERENCES carer_links (tenant_id, id),
  FOREIGN KEY (tenant_id, recorded_by) REFERENCES staff_users (tenant_id, id)
);
CREATE INDEX carer_consent_events_link ON carer_consent_events (tenant_id, link_id, id);

-- A carer's assessment, offered because they care for the person on the link.
CREATE TABLE carer_assessments (
  tenant_id      text NOT NULL,
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  link_id        uuid NOT NULL,
  offered_on     date NOT NULL,
  -- null until the carer answers; 'referred': referred to the council's carers' service
  outcome        text CHECK (outcome IN ('accepted', 'declined', 'completed', 'referred')),
  outcome_on     date,
  notes          text NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
  created_at     timestamptz NOT NULL DEFAULT now(),
  created_by     uuid NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  updated_by     uuid NOT NULL,
  version        integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, link_id) REFERENCES carer_links (tenant_id, id),
  FOREIGN KEY (tenant_id, created_by) REFERENCES staff_users (tenant_id, id),
  FOREIGN KEY (tenant_id, updated_by) REFERENCES staff_users (tenant_id, id),
  CHECK ((outcome IS NULL) = (outcome_on IS NULL)),
  CHECK (outcome_on IS NULL OR outcome_on >= offered_on)
);
CREATE INDEX carer_assessments_link ON carer_assessments (tenant_id, link_id, offered_on DESC);
-- Commissioners count carers' assessments offered and their outcomes by quarter.
CREATE INDEX carer_assessments_offered ON carer_assessments (tenant_id, offered_on);

-- A secure link to the person's own pages, or a carer's. Only the SHA-256 of the token is stored;
-- the token itself is in the link alone. A link works once, until it expires.
CREATE TABLE portal_links (
  token_hash     text PRIMARY KEY,
  tenant_id      text NOT NULL,
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  person_id      uuid NOT NULL,
  -- set for a carer's link: the link between the carer and the person
  carer_link_id  uuid,
  -- how it reached them: sent by email or text through the outbox, or shown once to give in person
  delivery       text NOT NULL CHECK (delivery IN ('email', 'sms', 'in_person')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  created_by     uuid NOT NULL,
  expires_at     timestamptz NOT NULL,
  used_at        timestamptz,
  revoked_at     timestamptz,
  revoked_by     uuid,
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
  FOREIGN KEY (tenant_id, carer_link_id) REFERENCES carer_links (tenant_id, id),
  FOREIGN KEY (tenant_id, created_by) REFERENCES staff_users (tenant_id, id),
  FOREIGN KEY (tenant_id, revoked_by) REFERENCES staff_users (tenant_id, id)
);
CREATE INDEX portal_links_person ON portal_links (tenant_id, person_id, created_at DESC);
CREATE INDEX portal_links_expiry ON portal_links (expires_at);

-- A portal session, started by using a link: its own cookie and table, never a staff session.
-- Ends 30 minutes after the last request, 12 hours after it started, or at sign-out.
CREATE TABLE portal_sessions (
  token_hash     text PRIMARY KEY,
  tenant_id      text NOT NULL,
  person_id      uuid NOT NULL,
  carer_link_id  uuid,
  link_id        uuid NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
  FOREIGN KEY (tenant_id, carer_link_id) REFERENCES carer_links (tenant_id, id),
  FOREIGN KEY (tenant_id, link_id) REFERENCES portal_links (tenant_id, id)
);
CREATE INDEX portal_sessions_link ON portal_sessions (tenant_id, link_id);
CREATE INDEX portal_sessions_expiry ON portal_sessions (expires_at);

-- Attempts to use a link, for limiting guesses by address. No token is kept here.
CREATE TABLE portal_link_attempts (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ip         text NOT NULL,
  succeeded  boolean NOT NULL,
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX portal_link_attempts_ip ON portal_link_attempts (ip, at);

-- Audit rows for portal requests name the person or carer acting (actor_role 'person' or 'carer').
ALTER TABLE audit_events ADD COLUMN actor_subject_id uuid;

-- A message holding a sign-in link keeps its words only until it is sent.
ALTER TABLE notifications ADD COLUMN forget_after_send boolean NOT NULL DEFAULT false;
