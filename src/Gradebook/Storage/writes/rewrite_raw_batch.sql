-- A batch of the raw record without an erased student's events: its remaining events and their outcomes.
UPDATE raw_batches SET event_count = @event_count, events = @events, outcomes = @outcomes WHERE id = @id;
