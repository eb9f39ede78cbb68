-- treatment_json: The API representation of a treatment (visit) and its items. PL/pgSQL keeps its plan
-- for the session; a SQL function with a subquery is planned anew at every statement that calls it.
CREATE OR REPLACE FUNCTION treatment_json(t treatments) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN jsonb_build_object(
    'id', t.id, 'client_id', t.client_id, 'injector_id', t.injector_id,
    'performed_at', t.performed_at, 'source', t.source, 'external_id', t.external_id,
    'notes', t.notes, 'behaviours', to_jsonb(t.behaviours), 'refunded_at', t.refunded_at, 'created_at', t.created_at,
    'tier', t.tier,
    'items', coalesce((SELECT jsonb_agg(jsonb_build_object(
        'type', i.type_code, 'family', i.family, 'given_name', i.given_name, 'areas', to_jsonb(i.areas),
        'units', i.units, 'volume_ml', i.volume_ml, 'product', i.product, 'lot_number', i.lot_number,
        'dilution', i.dilution, 'notes', i.notes, 'price_cents', i.price_cents,
        'points_eligible', i.points_eligible, 'series_complete', i.series_complete) ORDER BY i.item_no)
      FROM treatment_items i WHERE i.practice_id = t.practice_id AND i.treatment_id = t.id), '[]'));
END $$;
