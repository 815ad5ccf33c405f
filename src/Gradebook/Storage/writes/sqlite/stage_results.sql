-- SQLite's bulk path for staging: one JSON array of [student_id, exam, obtained, available] rows, one statement.
-- SQLite reads JSON numbers back to the same doubles they were written from.
INSERT INTO incoming_results (student_id, exam, obtained, available)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3
FROM json_each(@results);
