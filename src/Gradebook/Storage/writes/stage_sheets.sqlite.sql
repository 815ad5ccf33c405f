-- A document's answered sheets and their answers, each passed as one JSON array of rows (one statement each, however
-- many answers): [position, student_id, exam, obtained, scanned_on] and [position, question, choice, awarded, available].
INSERT INTO incoming_sheets (position, student_id, exam, obtained, scanned_on)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(@sheets);

INSERT INTO incoming_answers (position, question, choice, awarded, available)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(@answers);
