-- Appointments (预约接待). appointment_settings holds a station's booking
-- rules; a station without a row uses the defaults in internal/app.
-- appointment_slots is one counter row per (station, deputy, day, period):
-- a booking raises booked only while it is below the capacity, in the same
-- transaction that inserts the appointment, so two concurrent bookings can
-- never both take the last place; a cancellation lowers it again.
CREATE TABLE appointment_settings (
  station_id    BIGINT PRIMARY KEY REFERENCES stations(id),
  enabled       BOOLEAN NOT NULL DEFAULT TRUE,
  am_start      TEXT NOT NULL,
  am_end        TEXT NOT NULL,
  pm_start      TEXT NOT NULL,
  pm_end        TEXT NOT NULL,
  capacity      INTEGER NOT NULL,
  horizon_days  INTEGER NOT NULL,
  updated_at    TEXT NOT NULL
);

CREATE TABLE appointment_slots (
  station_id  BIGINT NOT NULL REFERENCES stations(id),
  deputy_id   BIGINT NOT NULL REFERENCES deputies(id),
  day         TEXT NOT NULL,
  period      TEXT NOT NULL,
  booked      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (station_id, deputy_id, day, period)
);

-- name_enc and phone_enc are SM4-GCM sealed; phone_index is the HMAC-SM3
-- blind index (the same as cases'), used to cap active bookings per phone
-- and to honour SMS opt-outs. cancel_failures counts wrong last-4-digit
-- attempts, so a leaked code cannot be brute-forced into a cancellation.
CREATE TABLE appointments (
  id               INTEGER PRIMARY KEY,
  code             TEXT NOT NULL UNIQUE,
  station_id       BIGINT NOT NULL REFERENCES stations(id),
  deputy_id        BIGINT NOT NULL REFERENCES deputies(id),
  day              TEXT NOT NULL,
  period           TEXT NOT NULL,
  topic            TEXT NOT NULL,
  name_enc         TEXT NOT NULL DEFAULT '',
  phone_enc        TEXT NOT NULL,
  phone_index      TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'booked',
  cancel_reason    TEXT NOT NULL DEFAULT '',
  cancelled_by     TEXT NOT NULL DEFAULT '',
  cancel_failures  INTEGER NOT NULL DEFAULT 0,
  demo             BOOLEAN NOT NULL DEFAULT FALSE,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);
CREATE INDEX appointments_phone ON appointments(phone_index, status);
CREATE INDEX appointments_station_day ON appointments(station_id, day);
CREATE INDEX appointments_deputy_day ON appointments(deputy_id, day);
