-- Province scale (issue 12), the call-back sweep with nothing due:
-- docs/operations.md "Deadline sweep", session 2026-12-07 (sixth). A sweep
-- after one that left nothing behind reads only the replies delivered to
-- citizens whose wait can have ended since (store.CallbackWindowCases: a
-- range of days), not every replied case still without a call-back task.
-- The query says recipient = 'citizen' word for word, so both engines use it.
CREATE INDEX deliveries_citizen_at ON deliveries(at) WHERE recipient = 'citizen';
