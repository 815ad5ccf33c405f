-- The staged document's students who now have more than one name on record, with all their names.
SELECT n.student_id, n.first_name, n.last_name
FROM student_names AS n
WHERE n.student_id IN (
    SELECT s.student_id
    FROM student_names AS s
    WHERE s.student_id IN (SELECT student_id FROM incoming_names)
    GROUP BY s.student_id
    HAVING COUNT(*) > 1)
ORDER BY n.student_id, n.first_name, n.last_name;
