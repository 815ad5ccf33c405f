-- The dashboard's student page: the student's aggregate and every result in exam order, each beside its exam's average.
SELECT s.exam_count, s.score_sum / s.exam_count AS average, r.exam, r.score, e.score_sum / e.student_count AS exam_average
FROM students AS s
JOIN results AS r ON r.student_no = s.student_no
JOIN exams AS e ON e.exam = r.exam
WHERE s.student_id = @student_id
ORDER BY r.exam;
