-- Recomputes the aggregates from the results themselves, exactly (no accumulated rounding). A student's row stays:
-- it holds the number its results are keyed by. Every student and exam takes the rebuild's own write number as its
-- version (writes/hold_change_log.sql took it), higher than any version an answer was tagged with before the rebuild.
UPDATE students SET exam_count = 0, score_sum = 0, version = (SELECT writes FROM result_changes_log_lock WHERE id = 1);
UPDATE students
SET exam_count = r.exam_count, score_sum = r.score_sum
FROM (SELECT student_no, COUNT(*) AS exam_count, SUM(score) AS score_sum FROM results GROUP BY student_no) AS r
WHERE r.student_no = students.student_no;

DELETE FROM exams;
INSERT INTO exams (exam, student_count, score_sum, version)
SELECT exam, COUNT(*), SUM(score), (SELECT writes FROM result_changes_log_lock WHERE id = 1) FROM results GROUP BY exam;
