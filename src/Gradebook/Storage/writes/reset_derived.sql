-- Forgets everything derived from the raw records, the feed's events and the imported documents; a rebuild derives it
-- again in the same transaction.
DELETE FROM results;
DELETE FROM students;
DELETE FROM exams;
DELETE FROM student_names;
DELETE FROM answers;
DELETE FROM answer_sheets;
DELETE FROM exam_sheet_sums;
DELETE FROM exam_question_sums;
DELETE FROM exam_question_marks;
DELETE FROM exam_choice_sums;
UPDATE feeds SET received = 0, accepted = 0, rejected = 0, ignored = 0;
