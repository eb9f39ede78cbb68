-- 0015_memberships: monthly plans that bank a credit each month (kept for
-- rollover_months, then expired oldest first), member pricing, a VIP perk a
-- quarter. Payment happens elsewhere; its records are kept here.
CREATE TABLE membership_plans (
  practice_id             uuid NOT NULL REFERENCES practices(id),
  id                      uuid NOT NULL DEFAULT gen_random_uuid(),
  name                    text NOT NULL,
  monthly_fee_cents       int NOT NULL CHECK (monthly_fee_cents > 0),
  monthly_credit_cents    int NOT NULL CHECK (monthly_credit_cents >= 0),
  rollover_months         int NOT NULL CHECK (rollover_months BETWEEN 1 AND 24),
  member_discount_percent int NOT NULL DEFAULT 0 CHECK (member_discount_percent BETWEEN 0 AND 100),
  vip_perk                text,
  created_at              timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (practice_id, id),
  UNIQUE (practice_id, name)
);

CREATE TABLE memberships (
  practice_id      uuid NOT NULL,
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  client_id        uuid NOT NULL,
  plan_id          uuid NOT NULL,
  state            text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'cancelled')),
  started_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  next_bank_on     date NOT NULL,
  last_vip_quarter text,
  cancelled_at     timestamptz,
  cancel_reason    text,
  PRIMARY KEY (practice_id, id),
  FOREIGN KEY (practice_id, client_id) REFERENCES clients(practice_id, id),
  FOREIGN KEY (practice_id, plan_id) REFERENCES membership_plans(practice_id, id)
);
CREATE UNIQUE INDEX memberships_one_active ON memberships (practice_id, client_id) WHERE state = 'active';

-- The credit ledger of a membership, like the points ledger: banks keep what is left of them.
CREATE TABLE membership_credits (
  practice_id   uuid NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  membership_id uuid NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('bank', 'use', 'expire')),
  cents         int NOT NULL CHECK (cents <> 0),
  remaining     int NOT NULL DEFAULT 0 CHECK (remaining >= 0 AND remaining <= greatest(cents, 0)),
  expires_at    timestamptz,
  reason        text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (practice_id, id)
);
CREATE INDEX membership_credits_open ON membership_credits (practice_id, membership_id, id) WHERE remaining > 0;

CREATE TABLE membership_payments (
  practice_id   uuid NOT NULL,
  id            uuid NOT NULL DEFAULT gen_random_uuid(),
  membership_id uuid NOT NULL,
  amount_cents  int NOT NULL CHECK (amount_cents > 0),
  paid_at       timestamptz NOT NULL,
  reference     text,
  created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (practice_id, id)
);

-- Banks every month that has come for active memberships (catching up missed months), grants the
-- quarter's VIP perk once, and expires credit past its rollover, oldest first. m: one membership,
-- or all when null. Returns the months banked.
CREATE FUNCTION membership_monthly(m uuid) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  r record;
  n int := 0;
  quarter text := to_char(now(), 'YYYY-"Q"Q');
BEGIN
  FOR r IN SELECT ms.practice_id, ms.id, ms.client_id, ms.next_bank_on, ms.last_vip_quarter, p.monthly_credit_cents,
                  p.rollover_months, p.vip_perk, p.name
           FROM memberships ms JOIN membership_plans p ON p.practice_id = ms.practice_id AND p.id = ms.plan_id
           WHERE ms.state = 'active' AND (m IS NULL OR ms.id = m)
             AND (ms.next_bank_on <= current_date OR ms.last_vip_quarter IS DISTINCT FROM quarter)
           FOR UPDATE OF ms SKIP LOCKED LOOP
    WHILE r.next_bank_on <= current_date LOOP
      IF r.monthly_credit_cents > 0 THEN
        INSERT INTO membership_credits (practice_id, membership_id, kind, cents, remaining, expires_at, reason)
        VALUES (r.practice_id, r.id, 'bank', r.monthly_credit_cents, r.monthly_credit_cents,
                r.next_bank_on + make_interval(months => r.rollover_months),
                'monthly credit of ' || to_char(r.next_bank_on, 'YYYY-MM'));
      END IF;
      r.next_bank_on := r.next_bank_on + interval '1 month';
      n := n + 1;
    END LOOP;
    IF r.vip_perk IS NOT NULL AND r.last_vip_quarter IS DISTINCT FROM quarter THEN
      INSERT INTO perks (practice_id, client_id, name, source, expires_at)
      VALUES (r.practice_id, r.client_id, r.vip_perk, 'membership', date_trunc('quarter', now()) + interval '3 months');
    END IF;
    UPDATE memberships SET next_bank_on = r.next_bank_on, last_vip_quarter = CASE WHEN r.vip_perk IS NULL
      THEN last_vip_quarter ELSE quarter END WHERE practice_id = r.practice_id AND id = r.id;
  END LOOP;
  FOR r IN SELECT practice_id, id, membership_id, remaining FROM membership_credits
           WHERE remaining > 0 AND expires_at <= now() AND (m IS NULL OR membership_id = m)
           ORDER BY practice_id, membership_id, id FOR UPDATE SKIP LOCKED LOOP
    UPDATE membership_credits SET remaining = 0 WHERE practice_id = r.practice_id AND id = r.id;
    INSERT INTO membership_credits (practice_id, membership_id, kind, cents, reason)
    VALUES (r.practice_id, r.membership_id, 'expire', -r.remaining, 'credit of entry ' || r.id || ' rolled over too long');
  END LOOP;
  RETURN n;
END $$;

CREATE FUNCTION membership_json(ms memberships) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', ms.id, 'client_id', ms.client_id, 'plan_id', ms.plan_id, 'plan', p.name,
    'state', ms.state, 'started_at', ms.started_at, 'next_bank_on', ms.next_bank_on,
    'member_discount_percent', p.member_discount_percent, 'monthly_fee_cents', p.monthly_fee_cents,
    'credit_cents', (SELECT coalesce(sum(remaining), 0) FROM membership_credits c
                     WHERE c.practice_id = ms.practice_id AND c.membership_id = ms.id),
    'paid_cents', (SELECT coalesce(sum(amount_cents), 0) FROM membership_payments y
                   WHERE y.practice_id = ms.practice_id AND y.membership_id = ms.id),
    'cancelled_at', ms.cancelled_at, 'cancel_reason', ms.cancel_reason)
  FROM membership_plans p WHERE p.practice_id = ms.practice_id AND p.id = ms.plan_id
$$;

CREATE FUNCTION membership_plan_json(p membership_plans) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', p.id, 'name', p.name, 'monthly_fee_cents', p.monthly_fee_cents,
    'monthly_credit_cents', p.monthly_credit_cents, 'rollover_months', p.rollover_months,
    'member_discount_percent', p.member_discount_percent, 'vip_perk', p.vip_perk, 'created_at', p.created_at)
$$;
