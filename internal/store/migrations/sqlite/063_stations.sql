-- Second wave, stations and deputies: a station's public phone number
-- (landline or mobile, shown with a tel: link on its board, the tracking
-- page and receipts) and its retirement (retired_at, '' while active: a
-- retired station is never deleted, cases keep pointing at it). A deputy's
-- phone for SMS is SM4-GCM sealed (phone_enc) with the HMAC-SM3 blind index
-- citizens' phones use (phone_index), so the key is not needed to find a
-- deputy by phone (Excel import matches on it).
ALTER TABLE stations ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE stations ADD COLUMN retired_at TEXT NOT NULL DEFAULT '';
ALTER TABLE deputies ADD COLUMN phone_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE deputies ADD COLUMN phone_index TEXT NOT NULL DEFAULT '';
CREATE INDEX deputies_phone ON deputies(phone_index);
