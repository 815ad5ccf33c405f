-- The dashboard's student search: students with a result from @from on, in id order (the caller keeps those that start with it).
SELECT student_id, exam_count, score_sum / exam_count AS average
FROM students
WHERE student_id >= @from AND exam_count > 0
ORDER BY student_id
LIMIT @limit;
