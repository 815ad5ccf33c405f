-- The audit entry of an erasure, in its transaction.
INSERT INTO student_erasures (erased_at, actor, student_hash, counts) VALUES (@erased_at, @actor, @student_hash, @counts);
