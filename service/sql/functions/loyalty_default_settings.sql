-- loyalty_default_settings: The loyalty program a practice has until it sets its own.
CREATE OR REPLACE FUNCTION loyalty_default_settings() RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT '{
    "point_value_cents": 10,
    "earn_per_dollar": 0.6,
    "flat_points": {},
    "yearly_cap_points": null,
    "welcome_bonus": 50,
    "milestones": [
      {"visit": 2, "perk": "Complimentary skin analysis", "valid_days": 90},
      {"visit": 4, "perk": "Member pricing on a touch-up within 14 days", "valid_days": 14},
      {"visit": 6, "perk": "Priority booking and bundle pricing", "valid_days": 365}],
    "tiers": [
      {"name": "Silver", "min_visits": 0, "min_spend_cents": 0, "multiplier": 1.0, "benefits": "Points on every eligible visit"},
      {"name": "Gold", "min_visits": 4, "min_spend_cents": 200000, "multiplier": 1.25, "benefits": "10% off a Botox + filler combo"},
      {"name": "Platinum", "min_visits": 8, "min_spend_cents": 500000, "multiplier": 1.5, "benefits": "Priority booking and a yearly skin analysis"}],
    "referral": {"referred_bonus": 100, "referrer_multiplier": 2.0, "referrer_visits": 3},
    "behaviour_multipliers": {"prebooked": 1.25, "baseline_photos": 1.1, "online_evaluation": 1.1, "safety_check": 1.1},
    "welcome_back": {"perk": "Welcome back: a complimentary add-on", "valid_days": 60},
    "redemption_cap_percent": 20,
    "expiry_months": 12
  }'::jsonb
$$;
