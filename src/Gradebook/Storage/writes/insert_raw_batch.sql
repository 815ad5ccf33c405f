-- A feed batch's raw record: one row, its events as one JSON array and their outcomes one letter each (RawBatch.cs).
INSERT INTO raw_batches (source, event_count, events, outcomes)
VALUES (@source, @event_count, @events, @outcomes)
RETURNING id;
