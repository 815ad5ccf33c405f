-- A student's export: the student's results, in exam order, with the aggregate beside each.
SELECT s.exam_count, s.score_sum, r.exam, r.obtained, r.available, r.score
FROM students AS s
JOIN results AS r ON r.student_no = s.student_no
WHERE s.student_id = @student_id
ORDER BY r.exam;
