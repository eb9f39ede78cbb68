-- membership_plan_json: The API representation of a membership plan.
CREATE OR REPLACE FUNCTION membership_plan_json(p membership_plans) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', p.id, 'name', p.name, 'monthly_fee_cents', p.monthly_fee_cents,
    'monthly_credit_cents', p.monthly_credit_cents, 'rollover_months', p.rollover_months,
    'member_discount_percent', p.member_discount_percent, 'vip_perk', p.vip_perk, 'created_at', p.created_at)
$$;
