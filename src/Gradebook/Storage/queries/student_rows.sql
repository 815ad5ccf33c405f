-- How many rows of each derived table hold one student, counted inside the erasure's transaction before they go: the
-- audit entry's counts. Kept sheets and answers are counted by the student's number, the change log by the id.
SELECT (SELECT COUNT(*) FROM students WHERE student_id = @student_id) AS students,
       (SELECT COUNT(*) FROM results WHERE student_no = (SELECT student_no FROM students WHERE student_id = @student_id)) AS results,
       (SELECT COUNT(*) FROM student_names WHERE student_id = @student_id) AS student_names,
       (SELECT COUNT(*) FROM answer_sheets WHERE student_no = (SELECT student_no FROM students WHERE student_id = @student_id)) AS answer_sheets,
       (SELECT COUNT(*) FROM answers WHERE student_no = (SELECT student_no FROM students WHERE student_id = @student_id)) AS answers,
       (SELECT COUNT(*) FROM result_changes_log WHERE student_id = @student_id) AS result_changes_log;
