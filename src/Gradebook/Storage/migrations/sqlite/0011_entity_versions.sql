-- A version for each student and each exam, so that a read of one of them keeps its entity tag and cached answer
-- while writes change other students and exams (the data version moves with every write; these only with their own
-- data). merge_results.sql sets a changed student's and exam's version to the write's number, taken from the change
-- log's one row (result_changes_log_lock.writes), which only ever grows and which one write at a time holds to its
-- commit, so every change gives the student or exam a version higher than any it had. Rows from before this version
-- start at 0 and move at their next change.
ALTER TABLE students ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE exams ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
