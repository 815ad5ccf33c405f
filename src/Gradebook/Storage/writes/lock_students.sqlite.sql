-- Run after a batch is staged and before merge_results.sql, as writes/lock_students.postgres.sql is on PostgreSQL:
-- every staged student gets a row, and with it the number its results are keyed by. A student added here starts with
-- exam_count 0, which every read filters out; the merge always gives it results. SQLite's write transaction already
-- holds the database's one write lock, so there is nothing to lock.
INSERT INTO students (student_id, exam_count, score_sum)
SELECT DISTINCT student_id, 0, 0
FROM incoming_results
WHERE true
ON CONFLICT (student_id) DO NOTHING;
