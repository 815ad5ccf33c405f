-- Folds the staged results of one batch into results and the aggregates, inside the batch's transaction.
-- The rule: per (exam, student) the highest obtained and the highest available marks win, so the order in which
-- results arrive never matters. Only results that change are written; the aggregates move by the change.

-- 1. One row per changed result, with its new marks and the score it had before (NULL when it is new). Every staged
--    student has a row by now, and with it its number (lock_students.sqlite.sql and lock_students.postgres.sql).
INSERT INTO result_changes (student_no, student_id, exam, obtained, available, old_score)
SELECT s.student_no, i.student_id, i.exam,
       CASE WHEN r.obtained IS NULL OR i.obtained > r.obtained THEN i.obtained ELSE r.obtained END,
       CASE WHEN r.available IS NULL OR i.available > r.available THEN i.available ELSE r.available END,
       r.score
FROM (SELECT student_id, exam, MAX(obtained) AS obtained, MAX(available) AS available
      FROM incoming_results
      GROUP BY exam, student_id) AS i
JOIN students AS s ON s.student_id = i.student_id
LEFT JOIN results AS r ON r.exam = i.exam AND r.student_no = s.student_no
WHERE r.exam IS NULL OR i.obtained > r.obtained OR i.available > r.available;

-- 2. The results themselves, in key order, so concurrent writers lock them in the same order: first the new ones, by a
--    plain insert (no writer can have added one since step 1: a writer holds the write lock on SQLite, and on
--    PostgreSQL the lock of every student it writes, see writes/lock_students.postgres.sql), which costs PostgreSQL
--    about 40 % less than an upsert; then the few that exist and rose, by an upsert that always conflicts (so no join
--    to plan).
INSERT INTO results (exam, student_no, obtained, available)
SELECT exam, student_no, obtained, available
FROM result_changes
WHERE old_score IS NULL
ORDER BY exam, student_no;

INSERT INTO results (exam, student_no, obtained, available)
SELECT exam, student_no, obtained, available
FROM result_changes
WHERE old_score IS NOT NULL
ORDER BY exam, student_no
ON CONFLICT (exam, student_no) DO UPDATE
SET obtained = excluded.obtained, available = excluded.available;

-- 3. The change log's one row, held to commit (the phase after the results, before the exams: see
--    writes/lock_students.postgres.sql), so on PostgreSQL log rows commit in id order; a write that changed nothing
--    neither waits for it nor takes it. Its count of writes is this write's number: the version every student and exam
--    it changes takes (migrations/*/0011_entity_versions.sql), higher than any number an earlier write gave.
UPDATE result_changes_log_lock SET writes = writes + 1 WHERE EXISTS (SELECT 1 FROM result_changes);

-- 4. Per-student aggregates: a new result adds one exam; every change moves the sum by new score - old score. Every
--    student here has its row already (lock_students.sql), so the row is found by its number and updated.
UPDATE students
SET exam_count = students.exam_count + c.exam_count,
    score_sum = students.score_sum + c.score_sum,
    version = (SELECT writes FROM result_changes_log_lock WHERE id = 1)
FROM (SELECT student_no,
             SUM(CASE WHEN old_score IS NULL THEN 1 ELSE 0 END) AS exam_count,
             SUM(obtained / available - COALESCE(old_score, 0)) AS score_sum
      FROM result_changes
      GROUP BY student_no) AS c
WHERE students.student_no = c.student_no;

-- 5. Per-exam aggregates, the same way.
INSERT INTO exams (exam, student_count, score_sum, version)
SELECT exam,
       SUM(CASE WHEN old_score IS NULL THEN 1 ELSE 0 END),
       SUM(obtained / available - COALESCE(old_score, 0)),
       (SELECT writes FROM result_changes_log_lock WHERE id = 1)
FROM result_changes
WHERE true
GROUP BY exam
ORDER BY exam
ON CONFLICT (exam) DO UPDATE
SET student_count = exams.student_count + excluded.student_count,
    score_sum = exams.score_sum + excluded.score_sum,
    version = excluded.version;

-- 6. The change log GET /scores/live serves, with the aggregates after the change.
INSERT INTO result_changes_log (student_id, exam, score, exam_count, exam_average, student_count, student_average)
SELECT c.student_id, c.exam, c.obtained / c.available,
       e.student_count, e.score_sum / e.student_count,
       s.exam_count, s.score_sum / s.exam_count
FROM result_changes AS c
JOIN exams AS e ON e.exam = c.exam
JOIN students AS s ON s.student_no = c.student_no
ORDER BY c.exam, c.student_no;

DELETE FROM result_changes;
DELETE FROM incoming_results;
