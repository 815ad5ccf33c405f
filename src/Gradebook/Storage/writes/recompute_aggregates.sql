-- Recomputes the aggregates from the results themselves, exactly (no accumulated rounding). A student's row stays:
-- it holds the number its results are keyed by.
UPDATE students SET exam_count = 0, score_sum = 0;
UPDATE students
SET exam_count = r.exam_count, score_sum = r.score_sum
FROM (SELECT student_no, COUNT(*) AS exam_count, SUM(score) AS score_sum FROM results GROUP BY student_no) AS r
WHERE r.student_no = students.student_no;

DELETE FROM exams;
INSERT INTO exams (exam, student_count, score_sum)
SELECT exam, COUNT(*), SUM(score) FROM results GROUP BY exam;
