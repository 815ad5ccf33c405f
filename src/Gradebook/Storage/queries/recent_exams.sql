-- The dashboard's exams: the newest (highest numbered) exams with a result, newest first.
SELECT exam, student_count, score_sum / student_count AS average
FROM exams
WHERE student_count > 0
ORDER BY exam DESC
LIMIT @limit;
