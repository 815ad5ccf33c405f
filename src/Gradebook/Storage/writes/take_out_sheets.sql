-- Takes the answers of the kept sheets listed in replaced_sheets out of the exams' running sums
-- (migrations/*/0012_answers.sql), inside the caller's transaction, which holds the change log's one row: a document's
-- sheets that replace kept ones (writes/merge_sheets.sql, step 4) and an erased student's (writes/begin_erasure.sql).
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
