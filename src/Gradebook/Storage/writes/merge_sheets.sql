-- Folds a document's staged answered sheets into the kept sheets, inside the document's transaction, after its results
-- (so every student has a row and a number). The rule: of a student's sheets for an exam, the one with the highest
-- obtained marks is kept; on a tie the later scanned-on (a sheet that does not say counts as the earliest), then the
-- later received: a later document, or later in the same document. So a document's sheet replaces the kept one unless
-- the kept one obtained more, or as much and was scanned later. The statistics' running sums move with the kept
-- sheets: the replaced sheets' answers are taken out, the new ones put in (migrations/*/0012_answers.sql).

-- 1. The document's own best sheet per (exam, student), by the same rule, with its total (Σ marks awarded).
INSERT INTO best_sheets (position, exam, student_no, obtained, total, scanned_on)
SELECT r.position, r.exam, s.student_no, r.obtained, t.total, r.scanned_on
FROM (SELECT position, exam, student_id, obtained, scanned_on,
             ROW_NUMBER() OVER (PARTITION BY exam, student_id
                                ORDER BY obtained DESC, COALESCE(scanned_on, '') DESC, position DESC) AS rank
      FROM incoming_sheets) AS r
JOIN (SELECT position, SUM(awarded) AS total FROM incoming_answers GROUP BY position) AS t ON t.position = r.position
JOIN students AS s ON s.student_id = r.student_id
WHERE r.rank = 1;

-- 2. Those the kept sheets do not beat.
DELETE FROM best_sheets
WHERE EXISTS (
    SELECT 1 FROM answer_sheets AS k
    WHERE k.exam = best_sheets.exam AND k.student_no = best_sheets.student_no
      AND (k.obtained > best_sheets.obtained
           OR (k.obtained = best_sheets.obtained AND COALESCE(k.scanned_on, '') > COALESCE(best_sheets.scanned_on, ''))));

-- 3. The change log's one row, as a change of results takes it (writes/merge_results.sql, step 3): the exams' running
--    sums below are shared by writers of different students, and only a writer holding this row writes them. Its count
--    of writes is the version the changed exams take (step 7).
UPDATE result_changes_log_lock SET writes = writes + 1 WHERE EXISTS (SELECT 1 FROM best_sheets);

-- 4. The kept sheets being replaced, and their answers taken out of the running sums.
INSERT INTO replaced_sheets (exam, student_no, total)
SELECT k.exam, k.student_no, k.total
FROM answer_sheets AS k
JOIN best_sheets AS b ON b.exam = k.exam AND b.student_no = k.student_no;

UPDATE exam_sheet_sums
SET n = exam_sheet_sums.n - o.n,
    sum_total = exam_sheet_sums.sum_total - o.sum_total,
    sum_total_squared = exam_sheet_sums.sum_total_squared - o.sum_total_squared
FROM (SELECT exam, COUNT(*) AS n, SUM(total) AS sum_total, SUM(total * total) AS sum_total_squared
      FROM replaced_sheets
      GROUP BY exam) AS o
WHERE exam_sheet_sums.exam = o.exam;

UPDATE exam_question_sums
SET n = exam_question_sums.n - o.n,
    sum_awarded = exam_question_sums.sum_awarded - o.sum_awarded,
    sum_awarded_squared = exam_question_sums.sum_awarded_squared - o.sum_awarded_squared,
    sum_awarded_by_total = exam_question_sums.sum_awarded_by_total - o.sum_awarded_by_total,
    sum_share = exam_question_sums.sum_share - o.sum_share
FROM (SELECT a.exam, a.question, COUNT(*) AS n, SUM(a.awarded) AS sum_awarded, SUM(a.awarded * a.awarded) AS sum_awarded_squared,
             SUM(a.awarded * r.total) AS sum_awarded_by_total, SUM(a.awarded / a.available) AS sum_share
      FROM replaced_sheets AS r
      JOIN answers AS a ON a.exam = r.exam AND a.student_no = r.student_no
      GROUP BY a.exam, a.question) AS o
WHERE exam_question_sums.exam = o.exam AND exam_question_sums.question = o.question;

UPDATE exam_question_marks
SET n = exam_question_marks.n - o.n
FROM (SELECT a.exam, a.question, a.available, COUNT(*) AS n
      FROM replaced_sheets AS r
      JOIN answers AS a ON a.exam = r.exam AND a.student_no = r.student_no
      GROUP BY a.exam, a.question, a.available) AS o
WHERE exam_question_marks.exam = o.exam AND exam_question_marks.question = o.question AND exam_question_marks.available = o.available;

UPDATE exam_choice_sums
SET n = exam_choice_sums.n - o.n,
    sum_total = exam_choice_sums.sum_total - o.sum_total,
    earning = exam_choice_sums.earning - o.earning
FROM (SELECT a.exam, a.question, a.choice, COUNT(*) AS n, SUM(r.total) AS sum_total,
             SUM(CASE WHEN a.awarded > 0 THEN 1 ELSE 0 END) AS earning
      FROM replaced_sheets AS r
      JOIN answers AS a ON a.exam = r.exam AND a.student_no = r.student_no
      GROUP BY a.exam, a.question, a.choice) AS o
WHERE exam_choice_sums.exam = o.exam AND exam_choice_sums.question = o.question AND exam_choice_sums.choice = o.choice;

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
