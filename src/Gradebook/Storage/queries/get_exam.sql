-- GET /exams/{exam}: the exam's aggregate and every result, in student id order.
SELECT e.student_count, e.score_sum / e.student_count AS average, s.student_id, r.score
FROM exams AS e
JOIN results AS r ON r.exam = e.exam
JOIN students AS s ON s.student_no = r.student_no
WHERE e.exam = @exam
ORDER BY s.student_id;
