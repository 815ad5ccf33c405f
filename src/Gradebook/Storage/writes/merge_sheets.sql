-- Folds a document's staged answered sheets into the kept sheets, inside the document's transaction, after its results
-- (so every student has a row and a number). The rule: of a student's sheets for an exam, the one with the highest
-- obtained marks is kept; on a tie the later scanned-on (a sheet that does not say counts as the earliest), then the
-- later received: a later document, or later in the same document. So a document's sheet replaces the kept one unless
-- the kept one obtained more, or as much and was scanned later.

-- 1. The document's own best sheet per (exam, student), by the same rule.
CREATE TEMP TABLE IF NOT EXISTS best_sheets (
    position   INTEGER NOT NULL,
    exam       BIGINT NOT NULL,
    student_no BIGINT NOT NULL,
    obtained   DOUBLE PRECISION NOT NULL,
    scanned_on TEXT
);
DELETE FROM best_sheets;

INSERT INTO best_sheets (position, exam, student_no, obtained, scanned_on)
SELECT r.position, r.exam, s.student_no, r.obtained, r.scanned_on
FROM (SELECT position, exam, student_id, obtained, scanned_on,
             ROW_NUMBER() OVER (PARTITION BY exam, student_id
                                ORDER BY obtained DESC, COALESCE(scanned_on, '') DESC, position DESC) AS rank
      FROM incoming_sheets) AS r
JOIN students AS s ON s.student_id = r.student_id
WHERE r.rank = 1;

-- 2. Those the kept sheets do not beat.
DELETE FROM best_sheets
WHERE EXISTS (
    SELECT 1 FROM answer_sheets AS k
    WHERE k.exam = best_sheets.exam AND k.student_no = best_sheets.student_no
      AND (k.obtained > best_sheets.obtained
           OR (k.obtained = best_sheets.obtained AND COALESCE(k.scanned_on, '') > COALESCE(best_sheets.scanned_on, ''))));

-- 3. They replace the kept sheets and their answers.
DELETE FROM answers
WHERE (exam, student_no) IN (SELECT exam, student_no FROM best_sheets);

INSERT INTO answer_sheets (exam, student_no, obtained, scanned_on, import_id, position)
SELECT exam, student_no, obtained, scanned_on, @import_id, position
FROM best_sheets
WHERE true
ON CONFLICT (exam, student_no) DO UPDATE
SET obtained = excluded.obtained, scanned_on = excluded.scanned_on, import_id = excluded.import_id, position = excluded.position;

INSERT INTO answers (exam, student_no, question, choice, awarded, available)
SELECT b.exam, b.student_no, a.question, a.choice, a.awarded, a.available
FROM best_sheets AS b
JOIN incoming_answers AS a ON a.position = b.position
ORDER BY b.exam, b.student_no, a.question;

-- 4. The exams whose kept answers changed take this write's number as their version, as a change of results does
--    (writes/merge_results.sql, step 3), so their statistics' tags and cached answers move with them.
UPDATE result_changes_log_lock SET writes = writes + 1 WHERE EXISTS (SELECT 1 FROM best_sheets);

UPDATE exams
SET version = (SELECT writes FROM result_changes_log_lock WHERE id = 1)
WHERE exam IN (SELECT exam FROM best_sheets);
