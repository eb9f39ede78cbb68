-- ledger_entry_json: the API representation of a loyalty ledger entry (the ledger page, a write's reply).
CREATE OR REPLACE FUNCTION ledger_entry_json(l loyalty_ledger) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', l.id, 'kind', l.kind, 'points', l.points, 'remaining', l.remaining,
    'expires_at', l.expires_at, 'reason', l.reason, 'treatment_id', l.treatment_id,
    'ticket_cents', l.ticket_cents, 'created_at', l.created_at)
$$;
