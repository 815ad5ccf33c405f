UPDATE imports SET outcome = @outcome, reason = @reason, result_count = @result_count WHERE id = @id;
