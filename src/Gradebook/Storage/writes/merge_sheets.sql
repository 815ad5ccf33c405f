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

-- 4. The kept sheets being replaced; writes/take_out_sheets.sql takes their answers out of the running sums next, and
--    writes/keep_sheets.sql puts the new ones in.
INSERT INTO replaced_sheets (exam, student_no, total)
SELECT k.exam, k.student_no, k.total
FROM answer_sheets AS k
JOIN best_sheets AS b ON b.exam = k.exam AND b.student_no = k.student_no;
