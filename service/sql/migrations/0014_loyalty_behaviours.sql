-- 0014_loyalty_behaviours: behaviour bonuses recorded on the visit, and the
-- welcome back of a client who had lapsed (counted as a reactivation).
ALTER TABLE treatments ADD COLUMN behaviours text[] NOT NULL DEFAULT '{}';
-- Set with lapsed_at, but not cleared by a booking: a return visit can tell the client had lapsed.
ALTER TABLE clients ADD COLUMN last_lapsed_at timestamptz;
UPDATE clients SET last_lapsed_at = lapsed_at WHERE lapsed_at IS NOT NULL;

CREATE TABLE reactivations (
  practice_id  uuid NOT NULL,
  treatment_id uuid NOT NULL,
  client_id    uuid NOT NULL,
  lapsed_at    timestamptz NOT NULL,
  returned_at  timestamptz NOT NULL,
  PRIMARY KEY (practice_id, treatment_id),
  FOREIGN KEY (practice_id, client_id) REFERENCES clients(practice_id, id)
);

CREATE OR REPLACE FUNCTION treatment_json(t treatments) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', t.id, 'client_id', t.client_id, 'injector_id', t.injector_id,
    'performed_at', t.performed_at, 'source', t.source, 'external_id', t.external_id,
    'notes', t.notes, 'behaviours', to_jsonb(t.behaviours), 'refunded_at', t.refunded_at, 'created_at', t.created_at,
    'items', coalesce((SELECT jsonb_agg(jsonb_build_object(
        'type', i.type_code, 'family', i.family, 'given_name', i.given_name, 'areas', to_jsonb(i.areas),
        'units', i.units, 'volume_ml', i.volume_ml, 'product', i.product, 'lot_number', i.lot_number,
        'dilution', i.dilution, 'notes', i.notes, 'price_cents', i.price_cents,
        'points_eligible', i.points_eligible, 'series_complete', i.series_complete) ORDER BY i.item_no)
      FROM treatment_items i WHERE i.practice_id = t.practice_id AND i.treatment_id = t.id), '[]'))
$$;
