-- The rest of a document's merge of answered sheets (writes/merge_sheets.sql, then writes/take_out_sheets.sql): the new
-- kept sheets replace the old, and their answers go into the running sums.

-- 5. The new kept sheets and their answers replace the old.
DELETE FROM answers
WHERE (exam, student_no) IN (SELECT exam, student_no FROM replaced_sheets);

INSERT INTO answer_sheets (exam, student_no, obtained, total, scanned_on, import_id, position)
SELECT exam, student_no, obtained, total, scanned_on, @import_id, position
FROM best_sheets
WHERE true
ON CONFLICT (exam, student_no) DO UPDATE
SET obtained = excluded.obtained, total = excluded.total, scanned_on = excluded.scanned_on,
    import_id = excluded.import_id, position = excluded.position;

INSERT INTO kept_answers (exam, student_no, question, choice, awarded, available, total)
SELECT b.exam, b.student_no, a.question, a.choice, a.awarded, a.available, b.total
FROM best_sheets AS b
JOIN incoming_answers AS a ON a.position = b.position;

INSERT INTO answers (exam, student_no, question, choice, awarded, available)
SELECT exam, student_no, question, choice, awarded, available
FROM kept_answers
ORDER BY exam, student_no, question;

-- 6. Their answers put into the running sums.
INSERT INTO exam_sheet_sums (exam, n, sum_total, sum_total_squared)
SELECT exam, COUNT(*), SUM(total), SUM(total * total)
FROM best_sheets
GROUP BY exam
ON CONFLICT (exam) DO UPDATE
SET n = exam_sheet_sums.n + excluded.n,
    sum_total = exam_sheet_sums.sum_total + excluded.sum_total,
    sum_total_squared = exam_sheet_sums.sum_total_squared + excluded.sum_total_squared;

INSERT INTO exam_question_sums (exam, question, n, sum_awarded, sum_awarded_squared, sum_awarded_by_total, sum_share)
SELECT exam, question, COUNT(*), SUM(awarded), SUM(awarded * awarded), SUM(awarded * total), SUM(awarded / available)
FROM kept_answers
GROUP BY exam, question
ON CONFLICT (exam, question) DO UPDATE
SET n = exam_question_sums.n + excluded.n,
    sum_awarded = exam_question_sums.sum_awarded + excluded.sum_awarded,
    sum_awarded_squared = exam_question_sums.sum_awarded_squared + excluded.sum_awarded_squared,
    sum_awarded_by_total = exam_question_sums.sum_awarded_by_total + excluded.sum_awarded_by_total,
    sum_share = exam_question_sums.sum_share + excluded.sum_share;

INSERT INTO exam_question_marks (exam, question, available, n)
SELECT exam, question, available, COUNT(*)
FROM kept_answers
GROUP BY exam, question, available
ON CONFLICT (exam, question, available) DO UPDATE
SET n = exam_question_marks.n + excluded.n;

INSERT INTO exam_choice_sums (exam, question, choice, n, sum_total, earning)
SELECT exam, question, choice, COUNT(*), SUM(total), SUM(CASE WHEN awarded > 0 THEN 1 ELSE 0 END)
FROM kept_answers
GROUP BY exam, question, choice
ON CONFLICT (exam, question, choice) DO UPDATE
SET n = exam_choice_sums.n + excluded.n,
    sum_total = exam_choice_sums.sum_total + excluded.sum_total,
    earning = exam_choice_sums.earning + excluded.earning;

-- 7. The exams whose kept answers changed take this write's number as their version, as a change of results does,
--    so their statistics' tags and cached answers move with them.
UPDATE exams
SET version = (SELECT writes FROM result_changes_log_lock WHERE id = 1)
WHERE exam IN (SELECT exam FROM best_sheets);
