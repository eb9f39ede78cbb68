-- perk_json: the API representation of a perk (the loyalty summary, a use's reply).
CREATE OR REPLACE FUNCTION perk_json(p perks) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', p.id, 'name', p.name, 'source', p.source, 'granted_at', p.granted_at,
    'expires_at', p.expires_at, 'used_at', p.used_at)
$$;
