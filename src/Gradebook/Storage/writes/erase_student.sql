-- The end of a student's erasure (writes/begin_erasure.sql, then writes/take_out_sheets.sql): the aggregates of the
-- student's exams are computed again from the other students' results, and every derived row of the student goes,
-- with the student's changes in the log GET /scores/live replays. The raw record is rewritten by the caller.

-- 1. An exam left with no kept sheet has no statistics, as a rebuild would leave it.
DELETE FROM exam_sheet_sums WHERE n = 0 AND exam IN (SELECT exam FROM replaced_sheets);
DELETE FROM exam_question_sums WHERE n = 0 AND exam IN (SELECT exam FROM replaced_sheets);
DELETE FROM exam_question_marks WHERE n = 0 AND exam IN (SELECT exam FROM replaced_sheets);
DELETE FROM exam_choice_sums WHERE n = 0 AND exam IN (SELECT exam FROM replaced_sheets);

-- 2. The aggregates of the student's exams, from the other students' results, exactly; the version moves with them.
UPDATE exams
SET student_count = (SELECT COUNT(*) FROM results AS r WHERE r.exam = exams.exam AND r.student_no <> @student_no),
    score_sum = COALESCE((SELECT SUM(r.score) FROM results AS r WHERE r.exam = exams.exam AND r.student_no <> @student_no), 0),
    version = (SELECT writes FROM result_changes_log_lock WHERE id = 1)
WHERE exam IN (SELECT exam FROM results WHERE student_no = @student_no UNION SELECT exam FROM replaced_sheets);

DELETE FROM exams WHERE student_count = 0;

-- 3. Every row of the student.
DELETE FROM answers WHERE student_no = @student_no;
DELETE FROM answer_sheets WHERE student_no = @student_no;
DELETE FROM results WHERE student_no = @student_no;
DELETE FROM students WHERE student_id = @student_id;
DELETE FROM student_names WHERE student_id = @student_id;
DELETE FROM result_changes_log WHERE student_id = @student_id;
