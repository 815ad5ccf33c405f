-- A kept sheet keeps its place in its document once the sheets before it are fewer (an erasure), as a rebuild finds it.
UPDATE answer_sheets SET position = @new_position WHERE import_id = @import_id AND position = @old_position;
