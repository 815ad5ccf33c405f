-- A rejection keeps pointing at its event once the events before it in the batch are fewer (an erasure).
UPDATE rejected_events SET position = @new_position WHERE batch_id = @batch_id AND position = @old_position;
