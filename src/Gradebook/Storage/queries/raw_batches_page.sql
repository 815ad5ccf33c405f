-- The raw record's batches with ids in (@after, @last], in id order, for re-deriving everything from them.
SELECT id, source, events, outcomes
FROM raw_batches
WHERE id > @after AND id <= @last
ORDER BY id;
