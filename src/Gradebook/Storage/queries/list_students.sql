-- GET /students: one page of students who have at least one result, in student id order.
-- Keyset paging: @after is the last id of the previous page ('' for the first), so each page is one index range scan.
SELECT student_id, exam_count, score_sum / exam_count AS average
FROM students
WHERE student_id > @after AND exam_count > 0
ORDER BY student_id
LIMIT @limit;
