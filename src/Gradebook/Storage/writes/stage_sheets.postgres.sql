-- A document's answered sheets and their answers, each passed as one JSON array of rows (one statement each, however
-- many answers): [position, student_id, exam, obtained, scanned_on] and [position, question, choice, awarded, available].
INSERT INTO incoming_sheets (position, student_id, exam, obtained, scanned_on)
SELECT (e ->> 0)::integer, e ->> 1, (e ->> 2)::bigint, (e ->> 3)::double precision, e ->> 4
FROM jsonb_array_elements(CAST(@sheets AS jsonb)) AS e;

INSERT INTO incoming_answers (position, question, choice, awarded, available)
SELECT (e ->> 0)::integer, e ->> 1, e ->> 2, (e ->> 3)::double precision, (e ->> 4)::double precision
FROM jsonb_array_elements(CAST(@answers AS jsonb)) AS e;
