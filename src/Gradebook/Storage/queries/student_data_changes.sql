-- A student's export: the student's rows of the change log GET /scores/live replays, in id order.
SELECT id, student_id, exam, score, exam_count, exam_average, student_count, student_average
FROM result_changes_log
WHERE student_id = @student_id
ORDER BY id;
