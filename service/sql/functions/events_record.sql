-- events_record: the trigger that turns a write the front desk must hear about into an event (see
-- migration 0029). The data holds ids and the facts a receiver acts on, never names, numbers or bodies.
CREATE OR REPLACE FUNCTION events_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'inbound_messages' THEN
    INSERT INTO events (practice_id, type, data) VALUES (NEW.practice_id, 'reply.received', jsonb_build_object(
      'inbound_message_id', NEW.id, 'conversation_id', NEW.conversation_id, 'client_id', NEW.client_id,
      'channel', NEW.channel, 'reading', NEW.reading, 'answers_message_id', NEW.answers_id,
      'received_at', NEW.received_at));
  ELSIF TG_TABLE_NAME = 'bookings' THEN
    INSERT INTO events (practice_id, type, data) VALUES (NEW.practice_id, 'booking.created', jsonb_build_object(
      'booking_id', NEW.id, 'client_id', NEW.client_id, 'injector_id', NEW.injector_id, 'source', NEW.source,
      'starts_at', NEW.starts_at, 'caused_by_step', NEW.caused_by_step));
  ELSIF TG_TABLE_NAME = 'suppression_events' THEN
    INSERT INTO events (practice_id, type, data) VALUES (NEW.practice_id, 'client.opted_out', jsonb_build_object(
      'channel', NEW.channel, 'source', NEW.source,
      'client_ids', coalesce((SELECT jsonb_agg(c.id ORDER BY c.id) FROM clients c WHERE c.practice_id = NEW.practice_id
        AND CASE WHEN NEW.channel = 'sms' THEN c.phone = NEW.address ELSE lower(c.email) = NEW.address END),
        '[]'::jsonb)));
  ELSIF TG_TABLE_NAME = 'messages' THEN
    INSERT INTO events (practice_id, type, data) VALUES (NEW.practice_id, 'message.unknown', jsonb_build_object(
      'message_id', NEW.id, 'client_id', NEW.client_id, 'channel', NEW.channel));
  ELSIF TG_TABLE_NAME = 'client_flags' THEN
    INSERT INTO events (practice_id, type, data) VALUES (NEW.practice_id, 'flag.raised', jsonb_build_object(
      'flag_id', NEW.id, 'client_id', NEW.client_id, 'kind', NEW.kind));
  END IF;
  RETURN NULL;
END $$;
