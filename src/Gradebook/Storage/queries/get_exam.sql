-- GET /exams/{exam}: the exam's aggregate and every result, in student id order.
SELECT e.student_count, e.score_sum / e.student_count AS average, r.student_id, r.score
FROM exams AS e
JOIN results AS r ON r.exam = e.exam
WHERE e.exam = @exam
ORDER BY r.student_id;
