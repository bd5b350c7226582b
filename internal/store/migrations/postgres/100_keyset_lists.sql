-- Keyset lists (issue 12): the operator's 发送记录 of one state reads the
-- outbox by state in id order, newest first, through this index, and each
-- state's capped count is a range of it (store.ListDeliveries).
CREATE INDEX notifications_status_id ON notifications(status, id);
