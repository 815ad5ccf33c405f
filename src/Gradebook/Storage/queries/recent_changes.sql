-- The dashboard's ticker: the newest changes of the log, newest first.
SELECT id, student_id, exam, score, exam_count, exam_average, student_count, student_average
FROM result_changes_log
ORDER BY id DESC
LIMIT @limit;
