-- A rebuild found that today's rules give some of a batch's events another outcome or reason: the batch's outcome
-- letters are written again, and its rejections are removed, to be inserted again as they are today.
UPDATE raw_batches SET outcomes = @outcomes WHERE id = @id;
DELETE FROM rejected_events WHERE batch_id = @id;
