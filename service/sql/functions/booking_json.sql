-- booking_json: The API representation of a booking.
CREATE OR REPLACE FUNCTION booking_json(b bookings) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', b.id, 'client_id', b.client_id, 'injector_id', b.injector_id,
    'starts_at', b.starts_at, 'duration_minutes', b.duration_minutes, 'families', to_jsonb(b.families),
    'source', b.source, 'external_id', b.external_id, 'state', b.state, 'cancel_reason', b.cancel_reason,
    'caused_by_step', b.caused_by_step, 'created_at', b.created_at, 'updated_at', b.updated_at)
$$;
