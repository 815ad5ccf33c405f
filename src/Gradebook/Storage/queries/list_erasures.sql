-- GET /audit/erasures: the trail of erasures after @after, oldest first.
SELECT id, erased_at, actor, student_hash, counts
FROM student_erasures
WHERE id > @after
ORDER BY id
LIMIT @limit;
