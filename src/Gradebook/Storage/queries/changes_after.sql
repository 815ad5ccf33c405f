-- GET /scores/live: the changes after @after and up to @upto in id order, those of one exam or one student when a
-- filter is given (NULL: any). Reads by the primary key from @after, so a client near the end reads only the end.
SELECT id, student_id, exam, score, exam_count, exam_average, student_count, student_average
FROM result_changes_log
WHERE id > @after AND id <= @upto
  AND (@exam IS NULL OR exam = @exam)
  AND (@student_id IS NULL OR student_id = @student_id)
ORDER BY id
LIMIT @limit;
