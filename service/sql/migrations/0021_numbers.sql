-- 0021_numbers: what belongs to a phone number rather than to a client. Family members often share
-- one (a mother and daughter at one med spa): the first SMS to the number says how to opt out, not
-- the first to each client; a STOP from it stops every client who has it (suppressions are by
-- address already); and the steps of its clients due the same day go out as one message.
-- clients.sms_notice_at stays for replicas of the previous version during a rolling upgrade; nothing
-- reads it any more.
CREATE TABLE sms_notices (
  practice_id uuid NOT NULL REFERENCES practices(id),
  phone       text NOT NULL,
  told_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (practice_id, phone)
);
INSERT INTO sms_notices (practice_id, phone, told_at)
SELECT practice_id, phone, min(sms_notice_at) FROM clients
WHERE phone IS NOT NULL AND sms_notice_at IS NOT NULL GROUP BY practice_id, phone;
