-- loyalty_tier_thresholds: a program's tier thresholds, lowest tier first, for loyalty_tier_of.
CREATE OR REPLACE FUNCTION loyalty_tier_thresholds(settings jsonb, OUT min_visits int[], OUT min_spend bigint[])
LANGUAGE sql IMMUTABLE AS $$
  SELECT array_agg((x.t->>'min_visits')::int ORDER BY x.o), array_agg((x.t->>'min_spend_cents')::bigint ORDER BY x.o)
  FROM jsonb_array_elements(settings->'tiers') WITH ORDINALITY x(t, o)
$$;
