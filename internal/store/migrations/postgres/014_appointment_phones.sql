-- One row per phone that has booked (by its blind index): booking touches
-- it first, which on PostgreSQL locks the row until commit, so two bookings
-- from one phone are counted one after the other against the cap.
CREATE TABLE appointment_phones (
  phone_index TEXT PRIMARY KEY,
  touched_at  TEXT NOT NULL
);
