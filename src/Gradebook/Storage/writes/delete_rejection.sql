-- An erased student's event leaves the rejections list with its batch's event.
DELETE FROM rejected_events WHERE batch_id = @batch_id AND position = @position;
