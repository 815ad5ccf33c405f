-- GET /exams/{exam}/students/{studentId}/answers: the student's kept sheet marked against what the exam keyed, and
-- where its total stands, in one statement so that they come from the same snapshot. Kinds of row:
--   'question': every question anyone answered; a = the most marks available
--   'keyed':    a (question, choice) that earned marks on some kept sheet
--   'answer':   the student's answer; a = marks awarded, b = marks available
--   'rank':     a = kept sheets whose total is below the student's, b = those equal to it (the student's own
--               included), c = all kept sheets; only when the student has a kept sheet
WITH totals AS (
    SELECT student_no, SUM(awarded) AS total
    FROM answers
    WHERE exam = @exam
    GROUP BY student_no
),
me AS (
    SELECT t.student_no, t.total
    FROM totals AS t
    JOIN students AS s ON s.student_no = t.student_no
    WHERE s.student_id = @student_id
)
SELECT 'question' AS kind, question, NULL AS choice, MAX(available) AS a, 0.0 AS b, 0.0 AS c
FROM answers
WHERE exam = @exam
GROUP BY question
UNION ALL
SELECT 'keyed', question, choice, 0.0, 0.0, 0.0
FROM answers
WHERE exam = @exam AND awarded > 0
GROUP BY question, choice
UNION ALL
SELECT 'answer', a.question, a.choice, a.awarded, a.available, 0.0
FROM answers AS a
JOIN me ON me.student_no = a.student_no
WHERE a.exam = @exam
UNION ALL
SELECT 'rank', NULL, NULL,
       SUM(CASE WHEN t.total < me.total THEN 1.0 ELSE 0.0 END),
       SUM(CASE WHEN t.total = me.total THEN 1.0 ELSE 0.0 END),
       COUNT(*) * 1.0
FROM totals AS t
CROSS JOIN me
GROUP BY me.student_no;
