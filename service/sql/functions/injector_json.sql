-- injector_json: The API representation of an injector.
CREATE OR REPLACE FUNCTION injector_json(i injectors) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', i.id, 'name', i.name, 'email', i.email, 'phone', i.phone,
                            'active', i.active, 'created_at', i.created_at, 'updated_at', i.updated_at)
$$;
