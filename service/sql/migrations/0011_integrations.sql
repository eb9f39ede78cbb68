-- 0011_integrations: what PMS vendors send that Cadence cannot map yet, and
-- the latest vendor time applied per resource, so events that arrive out of
-- order converge (an older event never overwrites a newer one).
CREATE TABLE pms_unmapped (
  practice_id    uuid NOT NULL REFERENCES practices(id),
  vendor         text NOT NULL,
  name_key       text NOT NULL,   -- lower(name): one row per spelling, case aside
  name           text NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('treatment', 'service')),
  occurrences    int NOT NULL DEFAULT 1,
  first_seen_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  last_seen_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  last_event_id  text NOT NULL,
  PRIMARY KEY (practice_id, vendor, name_key)
);

CREATE TABLE pms_resources (
  practice_id   uuid NOT NULL REFERENCES practices(id),
  vendor        text NOT NULL,
  resource      text NOT NULL,    -- e.g. "appointment:<vendor id>"
  last_event_at timestamptz NOT NULL,
  PRIMARY KEY (practice_id, vendor, resource)
);
