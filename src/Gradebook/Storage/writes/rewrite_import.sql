-- An imported document without an erased student's sheets, in its own format, and the count of its sheets now.
UPDATE imports SET document = @document, result_count = @result_count WHERE id = @id;
