-- The audit entry of an erasure, in its transaction; @erased_at is ISO 8601 text, as SQLite stores it.
INSERT INTO student_erasures (erased_at, actor, student_hash, counts) VALUES (CAST(@erased_at AS timestamptz), @actor, @student_hash, @counts);
