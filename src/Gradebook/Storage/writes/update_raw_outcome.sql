UPDATE raw_events SET outcome = @outcome, reason = @reason WHERE id = @id;
