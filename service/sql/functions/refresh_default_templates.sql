-- An existing practice's templates that still hold the default text of 0003 or 0009 (by the md5
-- of that text) take the new wording; edited ones stay as the practice wrote them.
CREATE OR REPLACE FUNCTION refresh_default_templates(p uuid) RETURNS void LANGUAGE sql AS $$
  UPDATE templates t SET subject = d.subject, body = d.body, updated_at = now()
  FROM default_templates() d JOIN (VALUES
    ('refill_1', 'sms', 'ad8024cd2648d5b5851d5e34a0290c24'), ('refill_2', 'sms', '8c5cb0452b1f1d91fcfcb497cc78b511'),
    ('refill_3', 'sms', 'fe954cdd1d4e3dd53184bede30add0c7'), ('nurture', 'sms', '724d008d3b8c869294dba9960631f517'),
    ('aftercare_1', 'sms', 'b1047bbfd661c14dd9ce553cafc7b74d'), ('aftercare_2', 'sms', '45c80b6d3f5a4580abc103171ba00bea'),
    ('refill_1', 'email', '15f516a6fef811dd8dc545ef757fa056'), ('refill_2', 'email', '54c9c97b909509afae92489968649149'),
    ('refill_3', 'email', '80787e66a9310ca611873e1981103a07'), ('nurture', 'email', '7491b9870bb349987197c3a00bba93b0'),
    ('aftercare_1', 'email', 'fad99d889acfe491568327b9f7cad950'), ('aftercare_2', 'email', '22810970016dc76bd3f9ec51b9ccb2f0'),
    ('confirmation_booked', 'sms', 'ab474dba2419206b7fd890887ad24a45'),
    ('confirmation_48h', 'sms', '7f4baf1672c42ca915bd2ed9132dc947'),
    ('confirmation_24h', 'sms', '6e1391fe561b6b7a9eb85ccb7fdb18b0'),
    ('confirmation_morning', 'sms', '8063d57800e3060c627bfd75990c0393'),
    ('confirmation_booked', 'email', 'b312cbdacc64c5ac670bc8e202adfc10'),
    ('confirmation_48h', 'email', '77dc7f69518be487057c304644fb2370'),
    ('confirmation_24h', 'email', '6ec36152145c34c87945597d4750fc00'),
    ('confirmation_morning', 'email', 'dfe0428c8b6995dc34baf345d1e9b799')
  ) AS old(step, channel, body_md5) ON old.step = d.step AND old.channel = d.channel
  WHERE t.practice_id = p AND t.treatment_type = 'default' AND t.injector_id IS NULL
    AND t.step = d.step AND t.channel = d.channel AND md5(t.body) = old.body_md5
$$;
