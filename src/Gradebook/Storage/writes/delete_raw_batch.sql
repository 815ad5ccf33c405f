-- A batch of the raw record whose every event mentioned an erased student: it goes, with its rejections.
DELETE FROM rejected_events WHERE batch_id = @id;
DELETE FROM raw_batches WHERE id = @id;
