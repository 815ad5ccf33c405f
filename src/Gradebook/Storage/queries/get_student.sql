-- GET /students/{studentId}: the student's aggregate and every result, in exam order.
-- One statement, so the average and the results come from the same snapshot.
SELECT s.exam_count, s.score_sum / s.exam_count AS average, r.exam, r.score
FROM students AS s
JOIN results AS r ON r.student_no = s.student_no
WHERE s.student_id = @student_id
ORDER BY r.exam;
