-- The start of a student's erasure, inside its transaction, after the sheet staging tables are made
-- (writes/create_sheet_staging.sql); writes/take_out_sheets.sql and writes/erase_student.sql follow. @student_no is the
-- student's number (writes/lock_student.sql), null when the student has only names.

-- 1. The change log's one row, as every write of results takes it: the exams' rows and running sums are shared with
--    other writers. Its count of writes is the version the student's exams take, so no tag or cached answer survives.
UPDATE result_changes_log_lock SET writes = writes + 1 WHERE id = 1;

-- 2. The student's kept sheets, to take their answers out of the running sums as a replaced sheet's are.
INSERT INTO replaced_sheets (exam, student_no, total)
SELECT exam, student_no, total FROM answer_sheets WHERE student_no = @student_no;
