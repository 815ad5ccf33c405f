-- Run after a batch is staged and before merge_results.sql, in the batch's READ COMMITTED transaction: locks the row
-- of every student the batch touches, so concurrent writers neither lose updates nor deadlock.
--
-- Why no update is lost: merge_results.sql reads a result's old score, then moves the aggregates by new - old. Every
-- writer that changes a result holds its student's lock from here to commit, so once this script returns, nobody else
-- can change this batch's results; and under READ COMMITTED each later statement takes a fresh snapshot, which
-- includes everything committed by the writers that held these locks before us. The old scores read are the latest.
--
-- Why no deadlock: each writer takes its locks in phases, each phase in one global order:
--   1. here, inserting missing students, in student_id order (waits only for a writer inserting the same student);
--   2. here, locking every staged student, in student_id order;
--   3. merge_results.sql: results, in key order. They wait for no one: they belong to students this writer holds;
--   4. merge_results.sql, step 3: the change log's one row (taken only by a write that changed a result), then
--      students and exams in key order. Students wait for no one (this writer holds them); exams are shared by writers
--      of different students, but only a writer holding the change log's row writes them, so they wait for no one;
--   5. advance_feed.sql: the feed's row;
--   6. bump_data_version.sql, every writer's last statement before commit: the one data_version row. A writer that
--      holds it waits for nothing else, so it closes no cycle.
-- A writer only ever waits for one that is further along this sequence (a later phase, or the same phase at a later
-- key), so no cycle of waits can form. Phase 2 never waits on a student another writer inserted in phase 1 and has
-- not committed: such a row is invisible to us, but our own phase 1 would then have waited for that writer to finish.
--
-- Students inserted here start with exam_count 0, which every read filters out; the merge always gives them results.
-- Inserting a student also gives it the number its results are keyed by (migrations/postgres/0009_student_numbers.sql).
-- COLLATE "C" keeps both orders the same code point order as the students primary key, whatever the server's locale.
-- Only students not seen yet are tried: an insert that conflicts still draws a number from the identity sequence and
-- probes the index, and skipping the batch's known students made the store 6-10 % faster. A student another writer has
-- inserted but not committed is not seen, so is tried, and the insert waits for that writer as before.

INSERT INTO students (student_id, exam_count, score_sum)
SELECT DISTINCT i.student_id COLLATE "C", 0, 0
FROM incoming_results AS i
WHERE NOT EXISTS (SELECT 1 FROM students AS s WHERE s.student_id = i.student_id)
ORDER BY 1
ON CONFLICT (student_id) DO NOTHING;

-- ORDER BY is applied before FOR UPDATE, so the rows are locked in that order.
SELECT count(*)
FROM (SELECT student_id
      FROM students
      WHERE student_id IN (SELECT student_id FROM incoming_results)
      ORDER BY student_id
      FOR UPDATE) AS locked;
