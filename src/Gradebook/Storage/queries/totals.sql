-- The dashboard's overview: how many students and exams have a result, and how many results there are.
-- Read from the running aggregates, so it costs one pass over the students and exams, never over the results.
SELECT
    (SELECT COUNT(*) FROM students WHERE exam_count > 0) AS students,
    (SELECT COUNT(*) FROM exams WHERE student_count > 0) AS exams,
    (SELECT CAST(COALESCE(SUM(student_count), 0) AS BIGINT) FROM exams) AS results;
