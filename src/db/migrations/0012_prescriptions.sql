-- Social prescribing that closes the loop: a navigator prescribes a directory service or a
-- delivery network provider to a person in a support episode; the provider answers in its own
-- inbox and records the start, attendances and the end; an unanswered prescription is chased.

CREATE TABLE prescriptions (
  tenant_id                  text NOT NULL REFERENCES tenants (id),
  id                         uuid NOT NULL DEFAULT gen_random_uuid(),
  episode_id                 uuid NOT NULL,
  -- the episode's person, kept here for audit rows and the person's own history
  person_id                  uuid NOT NULL,
  -- the organisation holding the episode when it was prescribed, and the navigator who did it
  prescriber_organisation_id uuid NOT NULL,
  prescribed_by              uuid NOT NULL,
  -- what was prescribed: a directory listing, or a delivery network provider chosen directly
  service_id                 text,
  -- the listing's (or provider's) name when it was prescribed, as the person was told it
  service_name               text NOT NULL CHECK (length(service_name) BETWEEN 1 AND 300),
  -- whose inbox it is in; null for an activity nobody in Lantern runs, whose progress the
  -- navigator records themselves
  provider_organisation_id   uuid,
  -- 'service:<listing id>' or 'organisation:<id>': one open prescription per episode and target
  target_key                 text NOT NULL,
  -- for the provider: what the person hopes for and anything they need to know
  note                       text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
  state                      text NOT NULL DEFAULT 'sent' CHECK (state IN
                               ('sent', 'accepted', 'declined', 'started', 'completed', 'dropped_out', 'withdrawn')),
  sent_at                    timestamptz NOT NULL DEFAULT now(),
  -- the provider's answer (accepted or declined): response times are measured to it
  answered_at                timestamptz,
  decline_reason             text CHECK (decline_reason IN ('full', 'not_suitable', 'cannot_contact', 'other')),
  -- the date of the first session, and of the last (completed or dropped out)
  started_on                 date,
  ended_on                   date,
  drop_out_reason            text CHECK (drop_out_reason IN
                               ('stopped_coming', 'chose_to_stop', 'not_right', 'circumstances', 'moved_away', 'other')),
  withdraw_reason            text CHECK (withdraw_reason IN ('changed_mind', 'found_elsewhere', 'not_answered', 'entered_in_error', 'other')),
  -- the words that went with the latest answer or ending (a decline's reason, a drop-out's)
  outcome_note               text CHECK (length(outcome_note) <= 1000),
  closed_at                  timestamptz,
  -- chasing an unanswered prescription: how many reminders went to the provider, when the next
  -- is due (null when no more will be sent), and when the navigator was told it is still unanswered
  chase_count                smallint NOT NULL DEFAULT 0,
  next_chase_at              timestamptz,
  unanswered_reported_at     timestamptz,
  -- a resubmitted form carries the same key and gets the same prescription
  idempotency_key            text,
  created_at                 timestamptz NOT NULL DEFAULT now(),
  updated_at                 timestamptz NOT NULL DEFAULT now(),
  version                    integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, episode_id) REFERENCES episodes (tenant_id, id),
  FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
  FOREIGN KEY (tenant_id, prescriber_organisation_id) REFERENCES organisations (tenant_id, id),
  FOREIGN KEY (tenant_id, prescribed_by) REFERENCES staff_users (tenant_id, id),
  FOREIGN KEY (tenant_id, service_id) REFERENCES directory_services (tenant_id, id),
  FOREIGN KEY (tenant_id, provider_organisation_id) REFERENCES organisations (tenant_id, id),
  CHECK (service_id IS NOT NULL OR provider_organisation_id IS NOT NULL),
  CHECK (state <> 'declined' OR decline_reason IS NOT NULL),
  CHECK (state <> 'dropped_out' OR drop_out_reason IS NOT NULL),
  CHECK (state NOT IN ('accepted', 'declined') OR answered_at IS NOT NULL)
);
-- The same service twice for the same episode while the first is still open is refused.
CREATE UNIQUE INDEX prescriptions_one_open ON prescriptions (tenant_id, episode_id, target_key)
  WHERE state IN ('sent', 'accepted', 'started');
CREATE UNIQUE INDEX prescriptions_idempotency ON prescriptions (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- A provider's inbox: unanswered first, then newest first (ORDER BY state <> 'sent', sent_at DESC).
-- Also serves the response-time report, which reads one organisation's prescriptions by date.
CREATE INDEX prescriptions_inbox ON prescriptions (tenant_id, provider_organisation_id, (state <> 'sent'), sent_at DESC);
-- An episode's prescriptions, and the caseload's count of those waiting for an answer.
CREATE INDEX prescriptions_episode ON prescriptions (tenant_id, episode_id, sent_at DESC);
-- The response-time report for a whole tenant over a period.
CREATE INDEX prescriptions_sent ON prescriptions (tenant_id, sent_at);
CREATE INDEX prescriptions_person ON prescriptions (tenant_id, person_id);
-- The hourly safety net that finds chases that are due (across tenants).
CREATE INDEX prescriptions_chase_due ON prescriptions (next_chase_at) WHERE state = 'sent' AND next_chase_at IS NOT NULL;

-- Everything that happened to a prescription, in order: sending, each answer and state change,
-- attendances, reminders. Who and when, for the navigator's and provider's history.
CREATE TABLE prescription_events (
  tenant_id        text NOT NULL,
  id               bigint GENERATED ALWAYS AS IDENTITY,
  prescription_id  uuid NOT NULL,
  at               timestamptz NOT NULL DEFAULT now(),
  -- null for Lantern itself (the chasing job)
  actor_user_id    uuid,
  -- 'sent', a state action (accept, decline, start, complete, drop_out, withdraw), 'attendance',
  -- 'chased', 'unanswered_reported'
  kind             text NOT NULL,
  from_state       text,
  to_state         text,
  note             text,
  detail           jsonb,
  -- the form that made the change: the same form sent twice makes one change
  form_key         text,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, prescription_id) REFERENCES prescriptions (tenant_id, id),
  FOREIGN KEY (tenant_id, actor_user_id) REFERENCES staff_users (tenant_id, id)
);
CREATE INDEX prescription_events_prescription ON prescription_events (tenant_id, prescription_id, id);
CREATE UNIQUE INDEX prescription_events_form ON prescription_events (tenant_id, prescription_id, form_key) WHERE form_key IS NOT NULL;

-- Sessions after the start: one row a date, attended or not.
CREATE TABLE prescription_attendances (
  tenant_id        text NOT NULL,
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  prescription_id  uuid NOT NULL,
  session_on       date NOT NULL,
  attended         boolean NOT NULL,
  note             text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
  recorded_by      uuid NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, prescription_id, session_on),
  FOREIGN KEY (tenant_id, prescription_id) REFERENCES prescriptions (tenant_id, id),
  FOREIGN KEY (tenant_id, recorded_by) REFERENCES staff_users (tenant_id, id)
);
