-- A student's export: each kept sheet's answers, one row per answer with its sheet's fields, in exam and question order.
SELECT k.exam, k.obtained, k.total, k.scanned_on, k.import_id, k.position, a.question, a.choice, a.awarded, a.available
FROM answer_sheets AS k
JOIN students AS s ON s.student_no = k.student_no
JOIN answers AS a ON a.exam = k.exam AND a.student_no = k.student_no
WHERE s.student_id = @student_id
ORDER BY k.exam, a.question;
