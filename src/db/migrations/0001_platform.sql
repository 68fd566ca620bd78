-- Platform tables: tenants and their areas, organisations, staff, sessions, sign-in throttling,
-- audit, and the person record every feature hangs from.
-- Every tenant-owned table carries tenant_id and leads its keys with it, so that a national
-- deployment can distribute by tenant (Citus) without rewriting joins.

CREATE TABLE tenants (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]{1,39}$'),
  name        text NOT NULL,
  settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- An area (a "lot") is a part of a tenant served by one strategic partner.
CREATE TABLE areas (
  tenant_id   text NOT NULL REFERENCES tenants (id),
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, name)
);

-- Areas are matched by postcode district (outward code). A district belongs to at most one
-- area in a tenant.
CREATE TABLE area_districts (
  tenant_id   text NOT NULL,
  district    text NOT NULL CHECK (district = upper(district)),
  area_id     uuid NOT NULL,
  PRIMARY KEY (tenant_id, district),
  FOREIGN KEY (tenant_id, area_id) REFERENCES areas (tenant_id, id)
);

CREATE TABLE organisations (
  tenant_id   text NOT NULL REFERENCES tenants (id),
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN
                ('commissioner', 'single_point_of_access', 'strategic_partner',
                 'delivery_provider', 'gp_practice', 'referrer')),
  area_id     uuid,
  ods_code    text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, area_id) REFERENCES areas (tenant_id, id)
);
CREATE INDEX organisations_kind ON organisations (tenant_id, kind);

CREATE TABLE staff_users (
  tenant_id            text NOT NULL REFERENCES tenants (id),
  id                   uuid NOT NULL DEFAULT gen_random_uuid(),
  organisation_id      uuid NOT NULL,
  -- Staff sign in with their email alone, so it is unique across tenants.
  email                text NOT NULL UNIQUE CHECK (email = lower(email)),
  name                 text NOT NULL,
  role                 text NOT NULL CHECK (role IN ('admin', 'triage', 'navigator', 'provider', 'commissioner')),
  password_hash        text NOT NULL,
  password_changed_at  timestamptz NOT NULL DEFAULT now(),
  -- set when an administrator gives a temporary password
  must_change_password boolean NOT NULL DEFAULT false,
  totp_secret          text,
  totp_enabled         boolean NOT NULL DEFAULT false,
  -- the last accepted one-time code's time step, so a code cannot be used twice
  totp_last_step       bigint,
  disabled_at          timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  version              integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (id),
  FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);
CREATE INDEX staff_users_organisation ON staff_users (tenant_id, organisation_id);

-- Server-side sessions: the cookie carries a random token; only its SHA-256 is stored, so a
-- leaked table cannot be replayed.
CREATE TABLE sessions (
  token_hash          text PRIMARY KEY,
  tenant_id           text NOT NULL,
  user_id             uuid NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
  -- true between a correct password and a correct second factor
  awaiting_second_factor boolean NOT NULL DEFAULT false,
  created_at          timestamptz NOT NULL DEFAULT now(),
  last_seen_at        timestamptz NOT NULL DEFAULT now(),
  expires_at          timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed and successful sign-in attempts, for throttling by account and by address.
CREATE TABLE sign_in_attempts (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email        text NOT NULL,
  ip           text NOT NULL,
  succeeded    boolean NOT NULL,
  at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_attempts_email ON sign_in_attempts (email, at);
CREATE INDEX sign_in_attempts_ip ON sign_in_attempts (ip, at);

-- Append-only audit trail. Rows are written in the same transaction as what they record.
CREATE TABLE audit_events (
  id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at                     timestamptz NOT NULL DEFAULT now(),
  tenant_id              text,
  actor_user_id          uuid,
  actor_role             text,
  actor_organisation_id  uuid,
  action                 text NOT NULL,
  record_type            text,
  record_id              text,
  person_id              uuid,
  basis                  text,
  outcome                text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  request_id             text,
  detail                 jsonb
);
CREATE INDEX audit_events_tenant_at ON audit_events (tenant_id, at DESC);
CREATE INDEX audit_events_person ON audit_events (tenant_id, person_id, at DESC) WHERE person_id IS NOT NULL;
CREATE INDEX audit_events_actor ON audit_events (tenant_id, actor_user_id, at DESC);

CREATE FUNCTION audit_events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_are_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_are_append_only();

-- A person who is or was referred. Needs and history hang from this record in later features.
CREATE TABLE people (
  tenant_id                    text NOT NULL REFERENCES tenants (id),
  id                           uuid NOT NULL DEFAULT gen_random_uuid(),
  nhs_number                   text CHECK (nhs_number ~ '^[0-9]{10}$'),
  given_name                   text NOT NULL,
  family_name                  text NOT NULL,
  date_of_birth                date,
  gender                       text CHECK (gender IN ('female', 'male', 'non-binary', 'not-stated')),
  -- NHS Data Dictionary ethnic category code (A..S, Z not stated)
  ethnic_category              text CHECK (ethnic_category ~ '^[A-HJ-NPRSZ]$'),
  postcode                     text,
  district                     text,
  area_id                      uuid,
  phone                        text,
  email                        text,
  -- the organisation responsible for the person's support now (strategic partner or provider)
  responsible_organisation_id  uuid,
  created_at                   timestamptz NOT NULL DEFAULT now(),
  updated_at                   timestamptz NOT NULL DEFAULT now(),
  version                      integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, area_id) REFERENCES areas (tenant_id, id),
  FOREIGN KEY (tenant_id, responsible_organisation_id) REFERENCES organisations (tenant_id, id)
);
CREATE INDEX people_nhs_number ON people (tenant_id, nhs_number) WHERE nhs_number IS NOT NULL;
CREATE INDEX people_name_dob ON people (tenant_id, lower(family_name), date_of_birth);
-- Name searches match the start of a name ("smi" finds Smith); text_pattern_ops lets LIKE 'smi%'
-- use the index whatever the database's collation.
CREATE INDEX people_family_name_prefix ON people (tenant_id, lower(family_name) text_pattern_ops);
CREATE INDEX people_given_name_prefix ON people (tenant_id, lower(given_name) text_pattern_ops);
CREATE INDEX people_responsible ON people (tenant_id, responsible_organisation_id);
