-- GET /exams: one page of exams, in exam number order (keyset paging on @after, -1 for the first page).
SELECT exam, student_count, score_sum / student_count AS average
FROM exams
WHERE exam > @after AND student_count > 0
ORDER BY exam
LIMIT @limit;
