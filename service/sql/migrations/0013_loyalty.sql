-- 0013_loyalty: the points ledger and what hangs off it. The ledger is
-- append-only; an account's balance is maintained from it by a trigger in the
-- same statement, and a CHECK keeps it from ever going below zero (concurrent
-- spends serialise on the account row). Awards keep what is left of them
-- (remaining) so spends, expiry and refunds draw oldest first, exactly.
CREATE TABLE loyalty_programs (
  practice_id uuid PRIMARY KEY REFERENCES practices(id),
  settings    jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE FUNCTION loyalty_default_settings() RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
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

-- A stored program wins key by key; settings added in later versions take their defaults.
CREATE FUNCTION loyalty_settings(p uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT loyalty_default_settings() || coalesce((SELECT settings FROM loyalty_programs WHERE practice_id = p), '{}')
$$;

CREATE TABLE loyalty_accounts (
  practice_id           uuid NOT NULL,
  client_id             uuid NOT NULL,
  balance               int NOT NULL DEFAULT 0 CHECK (balance >= 0),
  debt                  int NOT NULL DEFAULT 0 CHECK (debt >= 0),  -- refunded points already spent
  referred_by           uuid,
  referral_visits_left  int NOT NULL DEFAULT 0,                    -- visits still earning the referral multiplier
  referral_multiplier   numeric NOT NULL DEFAULT 1,
  joined_at             timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (practice_id, client_id),
  FOREIGN KEY (practice_id, client_id) REFERENCES clients(practice_id, id)
);

CREATE TABLE loyalty_ledger (
  practice_id     uuid NOT NULL,
  id              bigint GENERATED ALWAYS AS IDENTITY,
  client_id       uuid NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('earn', 'bonus', 'welcome', 'referral', 'redeem', 'expire',
                                                'reverse', 'adjust')),
  points          int NOT NULL CHECK (points <> 0),
  remaining       int NOT NULL DEFAULT 0 CHECK (remaining >= 0 AND remaining <= greatest(points, 0)),
  expires_at      timestamptz,
  reason          text NOT NULL,
  treatment_id    uuid,
  ticket_cents    bigint,
  idempotency_key text,
  created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (practice_id, id),
  UNIQUE (practice_id, idempotency_key)
);
CREATE INDEX loyalty_ledger_client ON loyalty_ledger (practice_id, client_id, id);
CREATE INDEX loyalty_ledger_treatment ON loyalty_ledger (practice_id, treatment_id) WHERE treatment_id IS NOT NULL;
CREATE INDEX loyalty_awards_open ON loyalty_ledger (practice_id, client_id, id) WHERE remaining > 0;
CREATE INDEX loyalty_awards_expiring ON loyalty_ledger (expires_at) WHERE remaining > 0;

CREATE FUNCTION loyalty_ledger_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Not INSERT .. ON CONFLICT: its would-be row (a negative balance for a spend) fails the CHECK first.
  UPDATE loyalty_accounts SET balance = balance + NEW.points
  WHERE practice_id = NEW.practice_id AND client_id = NEW.client_id;
  IF NOT FOUND THEN
    INSERT INTO loyalty_accounts (practice_id, client_id, balance) VALUES (NEW.practice_id, NEW.client_id, NEW.points);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER loyalty_ledger_post AFTER INSERT ON loyalty_ledger FOR EACH ROW EXECUTE FUNCTION loyalty_ledger_post();

-- Entries never change or disappear; only what is left of an award goes down.
CREATE FUNCTION loyalty_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.points <> OLD.points OR NEW.kind <> OLD.kind OR NEW.client_id <> OLD.client_id
     OR NEW.remaining > OLD.remaining THEN
    RAISE EXCEPTION 'loyalty_ledger is append-only';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER loyalty_ledger_append_only BEFORE UPDATE OR DELETE ON loyalty_ledger
  FOR EACH ROW EXECUTE FUNCTION loyalty_ledger_append_only();

-- Takes pts from the client's awards, oldest first, as one entry of kind k (negative points). The
-- caller has locked the account row and checked the balance; the CHECK on balance is the last guard.
CREATE FUNCTION loyalty_spend(p uuid, c uuid, pts int, k text, why text, t uuid, ticket bigint, ikey text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  left_ int := pts;
  a record;
  spend_id bigint;
BEGIN
  INSERT INTO loyalty_ledger (practice_id, client_id, kind, points, reason, treatment_id, ticket_cents, idempotency_key)
  VALUES (p, c, k, -pts, why, t, ticket, ikey) RETURNING id INTO spend_id;
  FOR a IN SELECT id, remaining FROM loyalty_ledger WHERE practice_id = p AND client_id = c AND remaining > 0
           ORDER BY id FOR UPDATE LOOP
    EXIT WHEN left_ = 0;
    UPDATE loyalty_ledger SET remaining = remaining - least(a.remaining, left_) WHERE practice_id = p AND id = a.id;
    left_ := left_ - least(a.remaining, left_);
  END LOOP;
  RETURN spend_id;
END $$;

-- Expires what is left of awards past their date (one client, or all when c is null), oldest first.
CREATE FUNCTION loyalty_expire(c uuid) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  a record;
  n int := 0;
BEGIN
  FOR a IN SELECT practice_id, id, client_id, remaining FROM loyalty_ledger
           WHERE remaining > 0 AND expires_at <= now() AND (c IS NULL OR client_id = c)
           ORDER BY practice_id, client_id, id FOR UPDATE SKIP LOCKED LOOP
    UPDATE loyalty_ledger SET remaining = 0 WHERE practice_id = a.practice_id AND id = a.id;
    INSERT INTO loyalty_ledger (practice_id, client_id, kind, points, reason)
    VALUES (a.practice_id, a.client_id, 'expire', -a.remaining, 'points of entry ' || a.id || ' expired');
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;

CREATE TABLE perks (
  practice_id uuid NOT NULL,
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  client_id   uuid NOT NULL,
  name        text NOT NULL,
  source      text NOT NULL CHECK (source IN ('milestone', 'referral', 'tier', 'welcome_back', 'membership')),
  treatment_id uuid,
  granted_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  expires_at  timestamptz,
  used_at     timestamptz,
  PRIMARY KEY (practice_id, id),
  FOREIGN KEY (practice_id, client_id) REFERENCES clients(practice_id, id)
);
CREATE INDEX perks_client ON perks (practice_id, client_id, granted_at);

CREATE TABLE referrals (
  practice_id  uuid NOT NULL,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  referrer_id  uuid NOT NULL,
  referred_id  uuid NOT NULL,
  converted_at timestamptz,   -- the referred client's first visit
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (practice_id, id),
  UNIQUE (practice_id, referred_id),
  CHECK (referrer_id <> referred_id),
  FOREIGN KEY (practice_id, referrer_id) REFERENCES clients(practice_id, id),
  FOREIGN KEY (practice_id, referred_id) REFERENCES clients(practice_id, id)
);
