-- Support plans written with the person (what matters to them, their strengths, goals in their own
-- words with steps and progress over time), contacts with Making Every Contact Count advice, the
-- status commissioners count, risk flags kept with the person, and one summary row per episode so
-- that a caseload is a single indexed read however many goals, steps and contacts people have.

-- The plan of one support episode. Two workers may edit it: every save carries the version it
-- started from, and a stale save is refused (src/features/episodes/plan.ts).
CREATE TABLE support_plans (
  tenant_id       text NOT NULL,
  episode_id      uuid NOT NULL,
  -- in the person's words
  what_matters    text NOT NULL DEFAULT '' CHECK (length(what_matters) <= 5000),
  strengths       text NOT NULL DEFAULT '' CHECK (length(strengths) <= 5000),
  next_review_on  date,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  updated_by      uuid,
  version         integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, episode_id),
  FOREIGN KEY (tenant_id, episode_id) REFERENCES episodes (tenant_id, id),
  FOREIGN KEY (tenant_id, updated_by) REFERENCES staff_users (tenant_id, id)
);

-- A goal in the person's own words, in one of the commissioned outcome domains.
CREATE TABLE goals (
  tenant_id          text NOT NULL,
  id                 uuid NOT NULL DEFAULT gen_random_uuid(),
  episode_id         uuid NOT NULL,
  description        text NOT NULL CHECK (length(description) BETWEEN 1 AND 1000),
  domain             text NOT NULL CHECK (domain IN
                       ('community', 'choice_control', 'learning_work', 'social_leisure', 'healthy_living', 'recovery')),
  review_on          date,
  status             text NOT NULL DEFAULT 'working_on' CHECK (status IN ('working_on', 'achieved', 'stopped')),
  -- why a goal was stopped, in words
  stopped_reason     text CHECK (length(stopped_reason) <= 1000),
  status_changed_at  timestamptz,
  -- a resubmitted form carries the same key and makes no second goal
  submission_key     text,
  created_by         uuid,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_by         uuid,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  version            integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, episode_id) REFERENCES episodes (tenant_id, id),
  FOREIGN KEY (tenant_id, created_by) REFERENCES staff_users (tenant_id, id),
  FOREIGN KEY (tenant_id, updated_by) REFERENCES staff_users (tenant_id, id),
  CHECK (status <> 'stopped' OR coalesce(btrim(stopped_reason), '') <> '')
);
CREATE INDEX goals_episode ON goals (tenant_id, episode_id, created_at);
CREATE UNIQUE INDEX goals_submission ON goals (tenant_id, submission_key) WHERE submission_key IS NOT NULL;
-- Outcome reports: goals by domain and what became of them.
CREATE INDEX goals_domain ON goals (tenant_id, domain, status);

-- A step towards a goal: what, who does it, by when, and whether it is done.
CREATE TABLE goal_steps (
  tenant_id       text NOT NULL,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  goal_id         uuid NOT NULL,
  description     text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
  owner           text NOT NULL CHECK (owner IN ('person', 'navigator', 'carer', 'provider', 'other')),
  -- the carer's, provider's or someone else's name; required for someone else
  owner_name      text CHECK (length(owner_name) <= 200),
  due_on          date,
  done_at         timestamptz,
  done_by         uuid,
  submission_key  text,
  created_by      uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_by      uuid,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, goal_id) REFERENCES goals (tenant_id, id),
  FOREIGN KEY (tenant_id, done_by) REFERENCES staff_users (tenant_id, id),
  FOREIGN KEY (tenant_id, created_by) REFERENCES staff_users (tenant_id, id),
  FOREIGN KEY (tenant_id, updated_by) REFERENCES staff_users (tenant_id, id),
  CHECK (owner <> 'other' OR coalesce(btrim(owner_name), '') <> '')
);
CREATE INDEX goal_steps_goal ON goal_steps (tenant_id, goal_id, created_at);
CREATE UNIQUE INDEX goal_steps_submission ON goal_steps (tenant_id, submission_key) WHERE submission_key IS NOT NULL;

-- "How close am I to this goal?" from 0 to 10, with a note, over time. Never changed once made.
CREATE TABLE goal_progress (
  tenant_id       text NOT NULL,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  -- the order entries were made, to tell apart two ratings on one day
  sequence        bigint GENERATED ALWAYS AS IDENTITY,
  goal_id         uuid NOT NULL,
  rated_on        date NOT NULL,
  rating          smallint NOT NULL CHECK (rating BETWEEN 0 AND 10),
  note            text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  recorded_by     uuid NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  submission_key  text,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, goal_id) REFERENCES goals (tenant_id, id),
  FOREIGN KEY (tenant_id, recorded_by) REFERENCES staff_users (tenant_id, id)
);
CREATE INDEX goal_progress_goal ON goal_progress (tenant_id, goal_id, rated_on, sequence);
CREATE UNIQUE INDEX goal_progress_submission ON goal_progress (tenant_id, submission_key) WHERE submission_key IS NOT NULL;

-- Contacts during support, with the Making Every Contact Count brief advice given.
CREATE TABLE episode_contacts (
  tenant_id         text NOT NULL,
  id                uuid NOT NULL DEFAULT gen_random_uuid(),
  episode_id        uuid NOT NULL,
  -- the organisation that held the episode and made the contact, for reports by provider
  organisation_id   uuid NOT NULL,
  contact_at        timestamptz NOT NULL,
  kind              text NOT NULL CHECK (kind IN ('face_to_face', 'phone', 'video', 'text', 'group', 'email')),
  duration_minutes  integer NOT NULL CHECK (duration_minutes BETWEEN 1 AND 600),
  note              text NOT NULL DEFAULT '' CHECK (length(note) <= 5000),
  mecc              text[] NOT NULL DEFAULT '{}' CHECK (mecc <@ ARRAY['physical_activity', 'alcohol', 'smoking', 'healthy_eating', 'sexual_health']::text[]),
  recorded_by       uuid NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  submission_key    text,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, episode_id) REFERENCES episodes (tenant_id, id),
  FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id),
  FOREIGN KEY (tenant_id, recorded_by) REFERENCES staff_users (tenant_id, id)
);
CREATE INDEX episode_contacts_episode ON episode_contacts (tenant_id, episode_id, contact_at DESC);
-- Quarterly counts of contacts and MECC advice, by tenant and date (and provider), read from the
-- index alone.
CREATE INDEX episode_contacts_reporting ON episode_contacts (tenant_id, contact_at) INCLUDE (organisation_id, mecc);
CREATE UNIQUE INDEX episode_contacts_submission ON episode_contacts (tenant_id, submission_key) WHERE submission_key IS NOT NULL;

-- Employment, accommodation, volunteering and education at sign-up and whenever they change.
CREATE TABLE episode_status_records (
  tenant_id           text NOT NULL,
  id                  uuid NOT NULL DEFAULT gen_random_uuid(),
  episode_id          uuid NOT NULL,
  person_id           uuid NOT NULL,
  recorded_on         date NOT NULL,
  -- the episode's first record: the status at sign-up that later records are compared with
  at_sign_up          boolean NOT NULL DEFAULT false,
  -- NHS Data Dictionary EMPLOYMENT STATUS
  employment_status   text NOT NULL CHECK (employment_status IN ('01', '02', '03', '04', '05', '06', '07', '08', 'ZZ')),
  accommodation       text NOT NULL CHECK (accommodation IN ('settled', 'not_settled', 'not_known')),
  accommodation_type  text NOT NULL,
  volunteering        boolean NOT NULL,
  education_training  boolean NOT NULL,
  recorded_by         uuid NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  submission_key      text,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, episode_id) REFERENCES episodes (tenant_id, id),
  FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
  FOREIGN KEY (tenant_id, recorded_by) REFERENCES staff_users (tenant_id, id),
  CHECK (
    (accommodation = 'settled' AND accommodation_type IN
      ('owner_occupier', 'social_tenant', 'private_tenant', 'with_family', 'supported', 'care_home', 'settled_other'))
    OR (accommodation = 'not_settled' AND accommodation_type IN
      ('rough_sleeping', 'sofa_surfing', 'hostel', 'temporary', 'custody', 'not_settled_other'))
    OR (accommodation = 'not_known' AND accommodation_type = 'not_known'))
);
CREATE UNIQUE INDEX episode_status_sign_up ON episode_status_records (tenant_id, episode_id) WHERE at_sign_up;
CREATE INDEX episode_status_episode ON episode_status_records (tenant_id, episode_id, recorded_on DESC, created_at DESC);
CREATE INDEX episode_status_person ON episode_status_records (tenant_id, person_id, recorded_on DESC);
CREATE INDEX episode_status_reporting ON episode_status_records (tenant_id, recorded_on);
CREATE UNIQUE INDEX episode_status_submission ON episode_status_records (tenant_id, submission_key) WHERE submission_key IS NOT NULL;

-- Risk flags kept with the person (not an episode): every worker sees them before they call or visit.
CREATE TABLE person_risks (
  tenant_id    text NOT NULL,
  person_id    uuid NOT NULL,
  flags        text[] NOT NULL DEFAULT '{}' CHECK (flags <@ ARRAY['self_harm', 'suicidal_thoughts', 'harm_to_others', 'safeguarding', 'substance_use', 'lone_working']::text[]),
  summary      text NOT NULL DEFAULT '' CHECK (length(summary) <= 1000),
  -- every save is a review by the person saving
  reviewed_at  timestamptz NOT NULL DEFAULT now(),
  reviewed_by  uuid,
  version      integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, person_id),
  FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
  FOREIGN KEY (tenant_id, reviewed_by) REFERENCES staff_users (tenant_id, id)
);

-- What the caseload needs from each episode, kept up to date by every change to its plan, goals,
-- steps and contacts in the same transaction: reviews and follow-ups due, and the last contact.
CREATE TABLE episode_summaries (
  tenant_id        text NOT NULL,
  episode_id       uuid NOT NULL,
  plan_review_on   date,
  -- the soonest review of a goal being worked on
  goal_review_on   date,
  -- the soonest date of a step not done, on a goal being worked on
  step_due_on      date,
  last_contact_at  timestamptz,
  refreshed_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, episode_id),
  FOREIGN KEY (tenant_id, episode_id) REFERENCES episodes (tenant_id, id)
);
