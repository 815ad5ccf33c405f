-- The first document from @id on, and when it was received.
SELECT id, received_at AS at
FROM imports
WHERE id >= @id
ORDER BY id
LIMIT 1;
