-- The raw record's batches after @after in id order, with their sizes only: the rebuild picks from them a page of
-- whole batches that holds a bounded number of events.
SELECT id, event_count
FROM raw_batches
WHERE id > @after
ORDER BY id
LIMIT 1024;
