-- Personal budgets (Live It Well commitments 7 and 8: choice and control), handovers between
-- workers, and what discharge records. Money is whole pence in integer columns: a personal
-- budget is at most £1,000,000, and no sum here is ever worked out in floating point.

-- A personal budget for a person, held in their support episode: the amount, the period, who
-- helped plan it (brokerage). One open budget per episode at a time; earlier ones stay, closed.
CREATE TABLE personal_budgets (
  tenant_id        text NOT NULL REFERENCES tenants (id),
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  episode_id       uuid NOT NULL,
  person_id        uuid NOT NULL,
  amount_pence     integer NOT NULL CHECK (amount_pence BETWEEN 1 AND 100000000),
  starts_on        date NOT NULL,
  ends_on          date NOT NULL,
  -- brokerage support: who helped plan it (a broker, an organisation, a carer), and notes
  brokerage_by     text NOT NULL DEFAULT '' CHECK (length(brokerage_by) <= 200),
  brokerage_notes  text NOT NULL DEFAULT '' CHECK (length(brokerage_notes) <= 2000),
  state            text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
  closed_at        timestamptz,
  closed_by        uuid,
  close_note       text CHECK (length(close_note) <= 2000),
  created_by       uuid NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  -- moves on with every change to the budget, its plan or its spending
  version          integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, episode_id) REFERENCES episodes (tenant_id, id),
  FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
  FOREIGN KEY (tenant_id, created_by) REFERENCES staff_users (tenant_id, id),
  FOREIGN KEY (tenant_id, closed_by) REFERENCES staff_users (tenant_id, id),
  CHECK (ends_on >= starts_on),
  CHECK (state = 'open' OR closed_at IS NOT NULL)
);
CREATE UNIQUE INDEX personal_budgets_one_open ON personal_budgets (tenant_id, episode_id) WHERE state = 'open';
CREATE INDEX personal_budgets_episode ON personal_budgets (tenant_id, episode_id, starts_on DESC);
CREATE INDEX personal_budgets_person ON personal_budgets (tenant_id, person_id);

-- The agreed plan for spending it: items from the directory or from elsewhere, each with a
-- planned amount. A directory item keeps the listing's name as it was when planned, and no
-- foreign key to the listing: the plan must still read true if the listing is later withdrawn.
CREATE TABLE personal_budget_items (
  tenant_id      text NOT NULL,
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  budget_id      uuid NOT NULL,
  service_id     text,
  description    text NOT NULL CHECK (length(description) BETWEEN 1 AND 200),
  planned_pence  integer NOT NULL CHECK (planned_pence BETWEEN 1 AND 100000000),
  created_by     uuid NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  -- so spending can name its item and its budget together, and never a mismatched pair
  UNIQUE (tenant_id, budget_id, id),
  FOREIGN KEY (tenant_id, budget_id) REFERENCES personal_budgets (tenant_id, id),
  FOREIGN KEY (tenant_id, created_by) REFERENCES staff_users (tenant_id, id)
);
CREATE INDEX personal_budget_items_budget ON personal_budget_items (tenant_id, budget_id, created_at);

-- Spending recorded against the budget, each against one item of its plan. An item with
-- spending cannot be removed (the foreign key refuses).
CREATE TABLE personal_budget_spending (
  tenant_id     text NOT NULL,
  id            uuid NOT NULL DEFAULT gen_random_uuid(),
  budget_id     uuid NOT NULL,
  item_id       uuid NOT NULL,
  spent_on      date NOT NULL,
  amount_pence  integer NOT NULL CHECK (amount_pence BETWEEN 1 AND 100000000),
  description   text NOT NULL CHECK (length(description) BETWEEN 1 AND 200),
  recorded_by   uuid NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, budget_id) REFERENCES personal_budgets (tenant_id, id),
  FOREIGN KEY (tenant_id, budget_id, item_id) REFERENCES personal_budget_items (tenant_id, budget_id, id),
  FOREIGN KEY (tenant_id, recorded_by) REFERENCES staff_users (tenant_id, id)
);
CREATE INDEX personal_budget_spending_budget ON personal_budget_spending (tenant_id, budget_id, spent_on, recorded_at);

-- A handover of a person's support from one worker to another ("there is a proper handover
-- between workers"). The episode stays with the old worker until the new one acknowledges it.
CREATE TABLE handovers (
  tenant_id          text NOT NULL REFERENCES tenants (id),
  id                 uuid NOT NULL DEFAULT gen_random_uuid(),
  episode_id         uuid NOT NULL,
  person_id          uuid NOT NULL,
  -- the episode's organisation, for a team lead's list of handovers waiting in the team
  organisation_id    uuid NOT NULL,
  -- the responsible worker when it was sent (none, if the episode had none)
  from_user_id       uuid,
  to_user_id         uuid NOT NULL,
  sent_by            uuid NOT NULL,
  what_matters       text NOT NULL CHECK (length(what_matters) BETWEEN 1 AND 5000),
  current_situation  text NOT NULL CHECK (length(current_situation) BETWEEN 1 AND 5000),
  risks              text NOT NULL CHECK (length(risks) BETWEEN 1 AND 5000),
  next_steps         text NOT NULL CHECK (length(next_steps) BETWEEN 1 AND 5000),
  state              text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'acknowledged', 'cancelled')),
  sent_at            timestamptz NOT NULL DEFAULT now(),
  acknowledged_at    timestamptz,
  cancelled_at       timestamptz,
  cancelled_by       uuid,
  -- 'sender' (the sender changed their mind) or 'discharged' (support ended first)
  cancel_reason      text CHECK (cancel_reason IN ('sender', 'discharged')),
  version            integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, episode_id) REFERENCES episodes (tenant_id, id),
  FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
  FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id),
  FOREIGN KEY (tenant_id, from_user_id) REFERENCES staff_users (tenant_id, id),
  FOREIGN KEY (tenant_id, to_user_id) REFERENCES staff_users (tenant_id, id),
  FOREIGN KEY (tenant_id, sent_by) REFERENCES staff_users (tenant_id, id),
  FOREIGN KEY (tenant_id, cancelled_by) REFERENCES staff_users (tenant_id, id),
  CHECK (from_user_id IS DISTINCT FROM to_user_id),
  CHECK (state <> 'acknowledged' OR acknowledged_at IS NOT NULL),
  CHECK (state <> 'cancelled' OR (cancelled_at IS NOT NULL AND cancel_reason IS NOT NULL))
);
-- One handover waiting at a time for an episode.
CREATE UNIQUE INDEX handovers_one_pending ON handovers (tenant_id, episode_id) WHERE state = 'pending';
CREATE INDEX handovers_to_acknowledge ON handovers (tenant_id, to_user_id, sent_at) WHERE state = 'pending';
CREATE INDEX handovers_team_pending ON handovers (tenant_id, organisation_id, sent_at) WHERE state = 'pending';
CREATE INDEX handovers_episode ON handovers (tenant_id, episode_id, sent_at DESC);

-- Discharge: why (one of the reasons below, with words for "other"), and the date support ended
-- as a UK calendar date, from which the come-back period is counted.
ALTER TABLE episodes ADD COLUMN discharge_date date;
ALTER TABLE episodes ADD COLUMN discharge_reason_other text CHECK (length(discharge_reason_other) <= 500);
ALTER TABLE episodes ADD CONSTRAINT episodes_discharge_reason_check CHECK (discharge_reason IS NULL OR discharge_reason IN
  ('goals_met', 'moved_away', 'no_longer_wants_support', 'not_engaging', 'transferred', 'died', 'other'));
ALTER TABLE episodes ADD CONSTRAINT episodes_discharge_other_check CHECK (discharge_reason IS DISTINCT FROM 'other' OR discharge_reason_other IS NOT NULL);
