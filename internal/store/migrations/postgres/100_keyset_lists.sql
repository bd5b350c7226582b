-- Keyset lists (issue 12): the operator's 发送记录 of one state reads the
-- outbox (SMS and e-mail, not the in-app notices) by state in id order,
-- newest first, through this partial index, and each live state's capped
-- count is a range of it (store.ListDeliveries, store.CountDeliveries;
-- their queries say channel <> 'inapp' word for word, so both engines use it).
CREATE INDEX notifications_outbox_status ON notifications(status, id) WHERE channel <> 'inapp';
