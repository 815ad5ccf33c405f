-- The raw record's batches whose text holds @needle (a student's id as the batch stores it), in id order, by exact
-- bytes (instr, not LIKE, which ignores case). Which of their events mention the student is decided by the caller.
SELECT id, source, events, outcomes
FROM raw_batches
WHERE instr(events, @needle) > 0 AND id > @after
ORDER BY id
LIMIT @limit;
