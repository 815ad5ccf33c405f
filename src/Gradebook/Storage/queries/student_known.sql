-- Whether Gradebook holds a student at all: a row (results) or a name. GET /students/{studentId}/export and
-- DELETE /students/{studentId} answer 404 otherwise.
SELECT CASE WHEN EXISTS (SELECT 1 FROM students WHERE student_id = @student_id)
              OR EXISTS (SELECT 1 FROM student_names WHERE student_id = @student_id)
            THEN 1 ELSE 0 END;
