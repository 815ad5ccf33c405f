-- GET /exams/{exam}/questions: the sums the item analysis is computed from (Exams/ItemAnalysis.cs), read from the
-- running sums that each change of a kept sheet moves (writes/merge_sheets.sql), in one statement so that they all
-- come from the same snapshot. Every number is a real, so that each column has one type whatever the kind of its
-- first row. A student's total is the sum of the marks awarded on their kept sheet. Three kinds of row:
--   'exam':     n = students; sum_a = Σ total; sum_b = Σ total² (no row when the exam has no answers)
--   'question': per question: n = students who answered it; sum_a = Σ awarded; sum_b = Σ awarded²;
--               sum_c = Σ awarded × total; sum_d = Σ awarded / available; most = the most marks available
--   'choice':   per (question, choice): n = students who gave it; sum_a = Σ their totals; most = 1 when it earned marks
SELECT 'exam' AS kind, NULL AS question, NULL AS choice, n,
       sum_total AS sum_a, sum_total_squared AS sum_b, 0.0 AS sum_c, 0.0 AS sum_d, 0.0 AS most
FROM exam_sheet_sums
WHERE exam = @exam AND n > 0
UNION ALL
SELECT 'question', q.question, NULL, q.n,
       q.sum_awarded, q.sum_awarded_squared, q.sum_awarded_by_total, q.sum_share,
       (SELECT MAX(m.available) FROM exam_question_marks AS m WHERE m.exam = q.exam AND m.question = q.question AND m.n > 0)
FROM exam_question_sums AS q
WHERE q.exam = @exam AND q.n > 0
UNION ALL
SELECT 'choice', question, choice, n, sum_total, 0.0, 0.0, 0.0, CASE WHEN earning > 0 THEN 1.0 ELSE 0.0 END
FROM exam_choice_sums
WHERE exam = @exam AND n > 0;
