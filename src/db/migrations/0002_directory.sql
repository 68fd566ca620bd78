-- The directory of services (Open Referral UK shaped), its moderation and upkeep, and the
-- platform's durable jobs and notification outbox that keep listings true.

-- Trigram matching for typo-tolerant search ("councelling" finds counselling).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Open Referral UK wants UUID ids; Lantern's are text. An id that is a UUID is its own ORUK id;
-- any other is served as a name-based UUID (RFC 4122 version 3) in Lantern's namespace, the same
-- value src/features/directory/oruk/ids.ts computes. Stored (generated) so lookups use an index.
CREATE FUNCTION lantern_oruk_id(id text) RETURNS uuid LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
    WHEN id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN lower(id)::uuid
    ELSE (substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-3' || substr(h, 14, 3) || '-'
          || substr('89ab89ab89ab89ab', strpos('0123456789abcdef', substr(h, 17, 1)), 1)
          || substr(h, 18, 3) || '-' || substr(h, 21, 12))::uuid
  END
  FROM (SELECT md5(decode('6b8ad556ca684b16968c3552596629e4', 'hex') || convert_to(id, 'UTF8')) AS h) AS hashed
$$;

-- Taxonomies are shared reference data (needs, Five Ways to Wellbeing, imported vocabularies).
CREATE TABLE taxonomy_terms (
  id           text PRIMARY KEY,
  taxonomy     text NOT NULL,
  name         text NOT NULL,
  description  text NOT NULL DEFAULT '',
  parent_id    text REFERENCES taxonomy_terms (id),
  -- other words people use for this need, searched as if they were in every listing with the term
  synonyms     text NOT NULL DEFAULT '',
  oruk_id      uuid GENERATED ALWAYS AS (lantern_oruk_id(id)) STORED UNIQUE
);
CREATE INDEX taxonomy_terms_taxonomy ON taxonomy_terms (taxonomy, name);

CREATE TABLE directory_services (
  tenant_id              text NOT NULL REFERENCES tenants (id),
  id                     text NOT NULL CHECK (length(id) BETWEEN 1 AND 200),
  -- the Lantern organisation whose staff keep this listing true (none for imported listings)
  organisation_id        uuid,
  organisation_name      text NOT NULL,
  name                   text NOT NULL,
  summary                text NOT NULL DEFAULT '',
  description            text NOT NULL DEFAULT '',
  -- who it is for and how to get it, in plain words
  eligibility            text NOT NULL DEFAULT '',
  how_to_access          text NOT NULL DEFAULT '',
  status                 text NOT NULL DEFAULT 'active'
                           CHECK (status IN ('active', 'inactive', 'defunct', 'temporarily closed')),
  -- shown to the public; an unpublished listing waits for its first moderation
  published              boolean NOT NULL DEFAULT false,
  phone                  text,
  text_number            text,
  email                  text,
  url                    text,
  self_referral          boolean NOT NULL DEFAULT false,
  -- takes referrals through Lantern's own referral form
  hub_referral           boolean NOT NULL DEFAULT false,
  free                   boolean NOT NULL DEFAULT true,
  cost_description       text NOT NULL DEFAULT '',
  channels               text[] NOT NULL DEFAULT '{}'
                           CHECK (channels <@ ARRAY['in_person', 'phone', 'online', 'text']),
  minimum_age            integer CHECK (minimum_age BETWEEN 0 AND 130),
  maximum_age            integer CHECK (maximum_age BETWEEN 0 AND 130),
  languages              text[] NOT NULL DEFAULT '{}',
  accessibility          text[] NOT NULL DEFAULT '{}'
                           CHECK (accessibility <@ ARRAY['step_free', 'bsl', 'easy_read', 'hearing_loop']),
  five_ways              text[] NOT NULL DEFAULT '{}'
                           CHECK (five_ways <@ ARRAY['connect', 'be_active', 'take_notice', 'keep_learning', 'give']),
  -- a crisis option (crisis line, crisis cafe, safe haven), shown on "Get help now"
  crisis                 boolean NOT NULL DEFAULT false,
  -- written from the schedules whenever they change, so "open 24 hours" can be filtered in SQL
  open_24_hours          boolean NOT NULL DEFAULT false,
  -- available to anyone in the country (a national helpline), whatever their postcode
  national               boolean NOT NULL DEFAULT false,
  -- written with the locations: a listing with none (a phone line, an online service) is
  -- available wherever the person is, so a search near a place always includes it
  has_location           boolean NOT NULL DEFAULT false,
  -- postcode districts served; empty means the whole tenant
  service_districts      text[] NOT NULL DEFAULT '{}',
  -- term names and synonyms, kept with the listing so the search document can include them
  keywords               text NOT NULL DEFAULT '',
  -- where the listing came from: 'lantern' or the URL or file of an imported feed
  source                 text NOT NULL DEFAULT 'lantern',
  demo                   boolean NOT NULL DEFAULT false,
  last_confirmed_at      timestamptz NOT NULL DEFAULT now(),
  confirm_reminder_sent_at timestamptz,
  stale_alert_sent_at    timestamptz,
  -- ORUK fields Lantern does not model, kept so an imported listing is served back whole
  extra                  jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  version                integer NOT NULL DEFAULT 1,
  oruk_id                uuid GENERATED ALWAYS AS (lantern_oruk_id(id)) STORED,
  search_document        tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('english', name), 'A')
   || setweight(to_tsvector('english', keywords), 'A')
   || setweight(to_tsvector('english', summary || ' ' || organisation_name), 'B')
   || setweight(to_tsvector('english', description || ' ' || eligibility), 'C')
  ) STORED,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, oruk_id),
  FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);
CREATE INDEX directory_services_search ON directory_services USING gin (search_document);
CREATE INDEX directory_services_public ON directory_services (tenant_id, published, status);
CREATE INDEX directory_services_organisation ON directory_services (tenant_id, organisation_id);
CREATE INDEX directory_services_confirmed ON directory_services (tenant_id, last_confirmed_at);
CREATE INDEX directory_services_placeless ON directory_services (tenant_id) WHERE NOT has_location;
-- "Get help now" and crisis-first searches read a tenant's crisis options on every request.
CREATE INDEX directory_services_crisis ON directory_services (tenant_id) WHERE crisis AND published;

CREATE TABLE directory_service_terms (
  tenant_id    text NOT NULL,
  service_id   text NOT NULL,
  term_id      text NOT NULL REFERENCES taxonomy_terms (id),
  PRIMARY KEY (tenant_id, service_id, term_id),
  FOREIGN KEY (tenant_id, service_id) REFERENCES directory_services (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX directory_service_terms_term ON directory_service_terms (tenant_id, term_id);

CREATE TABLE directory_locations (
  tenant_id    text NOT NULL,
  id           text NOT NULL,
  service_id   text NOT NULL,
  name         text NOT NULL DEFAULT '',
  address_1    text NOT NULL DEFAULT '',
  city         text NOT NULL DEFAULT '',
  postcode     text,
  district     text,
  latitude     double precision CHECK (latitude BETWEEN -90 AND 90),
  longitude    double precision CHECK (longitude BETWEEN -180 AND 180),
  oruk_id      uuid GENERATED ALWAYS AS (lantern_oruk_id(id)) STORED,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, oruk_id),
  FOREIGN KEY (tenant_id, service_id) REFERENCES directory_services (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX directory_locations_service ON directory_locations (tenant_id, service_id);
CREATE INDEX directory_locations_position ON directory_locations (tenant_id, latitude, longitude);

-- Weekly opening hours, one row a day. closes_at at or before opens_at means the hours run
-- past midnight into the next day; 00:00 to 24:00 is the whole day.
CREATE TABLE directory_schedules (
  tenant_id    text NOT NULL,
  id           text NOT NULL,
  service_id   text NOT NULL,
  location_id  text,
  byday        text NOT NULL CHECK (byday IN ('MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU')),
  opens_at     time NOT NULL,
  closes_at    time NOT NULL,
  description  text NOT NULL DEFAULT '',
  -- schedule ids need only be unique within their listing
  PRIMARY KEY (tenant_id, service_id, id),
  FOREIGN KEY (tenant_id, service_id) REFERENCES directory_services (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX directory_schedules_day ON directory_schedules (tenant_id, byday, service_id);

-- The words of every listing, for typo-tolerant search: a misspelt word is matched to the
-- nearest real words by trigram similarity, then searched as those words.
CREATE TABLE directory_words (
  word   text PRIMARY KEY
);
CREATE INDEX directory_words_trigram ON directory_words USING gin (word gin_trgm_ops);

-- A provider's change to a published listing waits here for a tenant admin.
CREATE TABLE directory_changes (
  tenant_id     text NOT NULL,
  id            uuid NOT NULL DEFAULT gen_random_uuid(),
  service_id    text NOT NULL,
  proposed      jsonb NOT NULL,
  -- the listing as it was when the change was proposed, for the before/after comparison
  previous      jsonb NOT NULL,
  proposed_by   uuid NOT NULL,
  proposed_at   timestamptz NOT NULL DEFAULT now(),
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  reviewed_by   uuid,
  reviewed_at   timestamptz,
  review_note   text,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, service_id) REFERENCES directory_services (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX directory_changes_pending ON directory_changes (tenant_id, status, proposed_at);

-- "Report a problem with this page", from anyone.
CREATE TABLE directory_reports (
  tenant_id     text NOT NULL,
  id            uuid NOT NULL DEFAULT gen_random_uuid(),
  service_id    text NOT NULL,
  message       text NOT NULL CHECK (length(message) BETWEEN 1 AND 2000),
  reporter_email text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  resolved_by   uuid,
  resolved_at   timestamptz,
  resolution_note text,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, service_id) REFERENCES directory_services (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX directory_reports_open ON directory_reports (tenant_id, status, created_at);

-- Durable background jobs, safe with several app instances (claimed with FOR UPDATE SKIP LOCKED).
CREATE TABLE jobs (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id     text,
  kind          text NOT NULL,
  payload       jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- at most one queued job per key (e.g. one daily sweep per tenant and day)
  unique_key    text UNIQUE,
  run_at        timestamptz NOT NULL DEFAULT now(),
  attempts      integer NOT NULL DEFAULT 0,
  locked_until  timestamptz,
  last_error    text,
  done_at       timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE done_at IS NULL;

-- Every message Lantern sends goes here first, in the same transaction as the change that
-- caused it; a transport delivers it later. Nothing acknowledged is lost if delivery fails.
CREATE TABLE notifications (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id       text,
  channel         text NOT NULL CHECK (channel IN ('email', 'sms')),
  recipient       text NOT NULL,
  template        text NOT NULL,
  personalisation jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- the record that caused it, for tracing and for not sending the same reminder twice
  reference       text,
  status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz
);
CREATE INDEX notifications_queued ON notifications (created_at) WHERE status = 'queued';
CREATE INDEX notifications_reference ON notifications (tenant_id, reference);
