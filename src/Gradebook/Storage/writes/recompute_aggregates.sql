-- Recomputes the aggregates from the results themselves, exactly (no accumulated rounding).
DELETE FROM students;
INSERT INTO students (student_id, exam_count, score_sum)
SELECT student_id, COUNT(*), SUM(score) FROM results GROUP BY student_id;

DELETE FROM exams;
INSERT INTO exams (exam, student_count, score_sum)
SELECT exam, COUNT(*), SUM(score) FROM results GROUP BY exam;
