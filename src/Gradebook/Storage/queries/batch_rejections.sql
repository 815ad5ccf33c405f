-- The recorded reasons of the rejected events in the batches with ids in (@after, @last], for a rebuild to compare.
SELECT batch_id, position, reason
FROM rejected_events
WHERE batch_id > @after AND batch_id <= @last;
