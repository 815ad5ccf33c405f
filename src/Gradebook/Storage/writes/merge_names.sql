-- Keeps every name a student id is given: a name not seen before is added, never written over another.
INSERT INTO student_names (student_id, first_name, last_name, first_import)
SELECT DISTINCT student_id, first_name, last_name, @import_id
FROM incoming_names
WHERE true
ON CONFLICT (student_id, first_name, last_name) DO NOTHING;
