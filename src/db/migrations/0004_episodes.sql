-- A support episode: a period of support with a navigator, opened when a person signs up and
-- closed at discharge. The plan, goals, social prescriptions, contacts and personal budget of
-- later features hang from it.
CREATE TABLE episodes (
  tenant_id            text NOT NULL REFERENCES tenants (id),
  id                   uuid NOT NULL DEFAULT gen_random_uuid(),
  person_id            uuid NOT NULL,
  -- the referral whose sign-up opened it
  referral_id          uuid,
  -- the strategic partner or delivery network provider giving the support
  organisation_id      uuid NOT NULL,
  -- the responsible worker (the navigator or link worker)
  worker_id            uuid,
  state                text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'discharged')),
  started_at           timestamptz NOT NULL DEFAULT now(),
  discharged_at        timestamptz,
  discharged_by        uuid,
  discharge_reason     text,
  closing_summary      text,
  -- a person who came back within the come-back period: the episode before this one
  previous_episode_id  uuid,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  version              integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
  FOREIGN KEY (tenant_id, referral_id) REFERENCES referrals (tenant_id, id),
  FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id),
  FOREIGN KEY (tenant_id, worker_id) REFERENCES staff_users (tenant_id, id),
  FOREIGN KEY (tenant_id, previous_episode_id) REFERENCES episodes (tenant_id, id),
  CHECK (state = 'open' OR discharged_at IS NOT NULL)
);
-- One open episode per person at a time: a second sign-up is refused, not duplicated.
CREATE UNIQUE INDEX episodes_one_open ON episodes (tenant_id, person_id) WHERE state = 'open';
CREATE INDEX episodes_worker ON episodes (tenant_id, worker_id) WHERE state = 'open';
CREATE INDEX episodes_organisation ON episodes (tenant_id, organisation_id, state);
CREATE INDEX episodes_person ON episodes (tenant_id, person_id, started_at DESC);
CREATE INDEX episodes_started ON episodes (tenant_id, started_at);

ALTER TABLE referrals ADD CONSTRAINT referrals_episode_fk FOREIGN KEY (tenant_id, episode_id) REFERENCES episodes (tenant_id, id);
