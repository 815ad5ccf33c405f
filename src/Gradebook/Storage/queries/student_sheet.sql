-- GET /exams/{exam}/students/{studentId}/answers: the student's kept sheet marked against what the exam keyed, and
-- where its total stands, in one statement so that they come from the same snapshot. Kinds of row:
--   'question': every question anyone answered; a = the most marks available
--   'keyed':    a (question, choice) that earned marks on some kept sheet
--   'answer':   the student's answer; a = marks awarded, b = marks available
--   'rank':     a = kept sheets whose total is below the student's, b = those equal to it (the student's own
--               included), c = all kept sheets; only when the student has a kept sheet
WITH me AS (
    SELECT k.student_no, k.total
    FROM answer_sheets AS k
    JOIN students AS s ON s.student_no = k.student_no
    WHERE k.exam = @exam AND s.student_id = @student_id
)
SELECT 'question' AS kind, q.question, NULL AS choice,
       (SELECT MAX(m.available) FROM exam_question_marks AS m WHERE m.exam = q.exam AND m.question = q.question AND m.n > 0) AS a,
       0.0 AS b, 0.0 AS c
FROM exam_question_sums AS q
WHERE q.exam = @exam AND q.n > 0
UNION ALL
SELECT 'keyed', question, choice, 0.0, 0.0, 0.0
FROM exam_choice_sums
WHERE exam = @exam AND earning > 0
UNION ALL
SELECT 'answer', a.question, a.choice, a.awarded, a.available, 0.0
FROM answers AS a
JOIN me ON me.student_no = a.student_no
WHERE a.exam = @exam
UNION ALL
SELECT 'rank', NULL, NULL,
       SUM(CASE WHEN k.total < me.total THEN 1.0 ELSE 0.0 END),
       SUM(CASE WHEN k.total = me.total THEN 1.0 ELSE 0.0 END),
       COUNT(*) * 1.0
FROM answer_sheets AS k
CROSS JOIN me
WHERE k.exam = @exam
GROUP BY me.student_no;
