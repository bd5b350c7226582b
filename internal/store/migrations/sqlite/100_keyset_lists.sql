-- Keyset lists (issue 12): the operator's 发送记录 reads the outbox (SMS and
-- e-mail, not the in-app notices) newest first, and a page looks at a
-- window of it (store.ListDeliveries). These partial indexes hold the
-- outbox alone: in id order, and by state in id order, where each live
-- state's capped count is a range (store.CountDeliveries). The queries say
-- channel <> 'inapp' word for word, so both engines use them. Without
-- them, a window behind 780,000 in-app notices read them all (PostgreSQL,
-- 1M cases).
CREATE INDEX notifications_outbox ON notifications(id) WHERE channel <> 'inapp';
CREATE INDEX notifications_outbox_status ON notifications(status, id) WHERE channel <> 'inapp';
