-- An erasure takes the student's row lock first, as a writer of the student does (lock_students.postgres.sql), and then
-- the change log's one row (erase_student.sql): the same order as every write, so neither waits on the other forever.
SELECT student_no FROM students WHERE student_id = @student_id FOR UPDATE;
