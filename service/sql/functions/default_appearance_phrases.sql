-- Phrases that talk about how a client looks; templates using them are refused.
CREATE OR REPLACE FUNCTION default_appearance_phrases() RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['wrinkle', 'lines are back', 'lines coming back', 'fine lines', 'frown lines', 'crow''s feet',
    'look older', 'looking older', 'look tired', 'looking tired', 'tired-looking', 'tired looking',
    'sagging', 'droopy', 'aging', 'ageing', 'flaws', 'imperfection', 'fix your face', 'your face']
$$;
