-- Forgets everything derived from the raw record; a rebuild derives it again in the same transaction.
DELETE FROM results;
DELETE FROM students;
DELETE FROM exams;
UPDATE feeds SET accepted = 0, rejected = 0, ignored = 0;
