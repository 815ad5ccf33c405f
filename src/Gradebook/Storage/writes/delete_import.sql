-- An imported document that held nobody but an erased student, or a rejected one that mentioned them: it goes.
DELETE FROM imports WHERE id = @id;
