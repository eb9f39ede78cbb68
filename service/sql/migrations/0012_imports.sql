-- 0012_imports: CSV imports of treatments. The upload is copied row by row
-- into import_rows as it streams in (any replica can then process it, and a
-- crash resumes after the last processed line); refusals are kept per line.
CREATE TABLE imports (
  practice_id        uuid NOT NULL REFERENCES practices(id),
  id                 uuid NOT NULL DEFAULT gen_random_uuid(),
  state              text NOT NULL DEFAULT 'receiving'
                     CHECK (state IN ('receiving', 'queued', 'running', 'done', 'cancelled', 'failed')),
  header             text[],
  rows_received      int NOT NULL DEFAULT 0,
  rows_processed     int NOT NULL DEFAULT 0,
  last_line          int NOT NULL DEFAULT 0,
  treatments_created int NOT NULL DEFAULT 0,
  duplicates         int NOT NULL DEFAULT 0,
  refused            int NOT NULL DEFAULT 0,
  error              text,
  lease_until        timestamptz,
  created_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  started_at         timestamptz,
  finished_at        timestamptz,
  PRIMARY KEY (practice_id, id)
);
CREATE INDEX imports_ready ON imports (created_at) WHERE state IN ('queued', 'running');

CREATE TABLE import_rows (   -- deleted when the import ends
  import_id uuid NOT NULL,
  line      int NOT NULL,
  record    text NOT NULL,
  PRIMARY KEY (import_id, line)
);

CREATE TABLE import_refusals (
  import_id uuid NOT NULL,
  line      int NOT NULL,
  field     text,
  reason    text NOT NULL,
  PRIMARY KEY (import_id, line)
);

CREATE FUNCTION import_json(i imports) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', i.id, 'state', i.state, 'rows_received', i.rows_received,
    'rows_processed', i.rows_processed, 'treatments_created', i.treatments_created, 'duplicates', i.duplicates,
    'refused', i.refused, 'error', i.error, 'created_at', i.created_at, 'started_at', i.started_at,
    'finished_at', i.finished_at,
    'refusals', coalesce((SELECT jsonb_agg(jsonb_build_object('line', r.line, 'field', r.field, 'reason', r.reason)
                          ORDER BY r.line) FROM import_refusals r WHERE r.import_id = i.id), '[]'))
$$;
