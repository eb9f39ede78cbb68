-- Banks every month that has come for active memberships (catching up missed months), grants the
-- quarter's VIP perk once, and expires credit past its rollover, oldest first. m: one membership,
-- or all when null. Returns the months banked.
CREATE OR REPLACE FUNCTION membership_monthly(m uuid) RETURNS int LANGUAGE plpgsql AS $$
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
