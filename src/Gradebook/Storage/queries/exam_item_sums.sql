-- GET /exams/{exam}/questions: the sums the item analysis is computed from (Exams/ItemAnalysis.cs), over the answers
-- of the exam's kept sheets, in one statement so that they all come from the same snapshot. Every sum is written as
-- a real (0.0, not 0) so that each column has one type whatever the kind of its first row. A student's total is the
-- sum of the marks awarded on their kept sheet. Three kinds of row:
--   'exam':     n = students; sum_a = Σ total; sum_b = Σ total²
--   'question': per question: n = students who answered it; sum_a = Σ awarded; sum_b = Σ awarded²;
--               sum_c = Σ awarded × total; sum_d = Σ awarded / available; most = the most marks available
--   'choice':   per (question, choice): n = students who gave it; sum_a = Σ their totals; most = the most it earned
WITH totals AS (
    SELECT student_no, SUM(awarded) AS total
    FROM answers
    WHERE exam = @exam
    GROUP BY student_no
)
SELECT 'exam' AS kind, NULL AS question, NULL AS choice, COUNT(*) AS n,
       COALESCE(SUM(total), 0.0) AS sum_a, COALESCE(SUM(total * total), 0.0) AS sum_b,
       0.0 AS sum_c, 0.0 AS sum_d, 0.0 AS most
FROM totals
UNION ALL
SELECT 'question', a.question, NULL, COUNT(*),
       SUM(a.awarded), SUM(a.awarded * a.awarded), SUM(a.awarded * t.total), SUM(a.awarded / a.available), MAX(a.available)
FROM answers AS a
JOIN totals AS t ON t.student_no = a.student_no
WHERE a.exam = @exam
GROUP BY a.question
UNION ALL
SELECT 'choice', a.question, a.choice, COUNT(*), SUM(t.total), 0.0, 0.0, 0.0, MAX(a.awarded)
FROM answers AS a
JOIN totals AS t ON t.student_no = a.student_no
WHERE a.exam = @exam
GROUP BY a.question, a.choice;
