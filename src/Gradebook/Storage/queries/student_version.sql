-- The version of one student's results (migrations/*/0011_entity_versions.sql): the tag of GET /students/{studentId},
-- read before the data it answers with, never after. No row for a student without results.
SELECT version FROM students WHERE student_id = @student_id AND exam_count > 0;
