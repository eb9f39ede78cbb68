-- 0022_import_bad_bytes: a CSV line holding bytes that are not text in the upload's charset is kept
-- (cleaned) with the column it concerns, and refused by name when the import reaches it: one bad byte
-- costs its line, not the upload.
ALTER TABLE import_rows ADD COLUMN problem_column text;
ALTER TABLE import_rows ADD COLUMN problem text;
