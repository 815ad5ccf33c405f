-- SQLite has one writer at a time: the erasure's write transaction is the lock. The student's number, as on PostgreSQL.
SELECT student_no FROM students WHERE student_id = @student_id;
