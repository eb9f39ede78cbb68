-- membership_json: The API representation of a client's membership.
CREATE OR REPLACE FUNCTION membership_json(ms memberships) RETURNS jsonb LANGUAGE sql STABLE AS $$
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
