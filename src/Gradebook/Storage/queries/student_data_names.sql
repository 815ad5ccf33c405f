-- A student's export: every name the documents gave the student, as received ('' for a part left out).
SELECT first_name, last_name, first_import
FROM student_names
WHERE student_id = @student_id
ORDER BY first_import, first_name, last_name;
