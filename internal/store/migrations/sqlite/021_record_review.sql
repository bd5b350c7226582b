-- Duty records can be corrected and voided (docs/points.md): who changed a
-- record last and when, and whether it was voided, by whom and why. A voided
-- record stays for the audit trail and counts for nothing.
ALTER TABLE duty_records ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE duty_records ADD COLUMN updated_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE duty_records ADD COLUMN voided_at TEXT NOT NULL DEFAULT '';
ALTER TABLE duty_records ADD COLUMN voided_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE duty_records ADD COLUMN void_reason TEXT NOT NULL DEFAULT '';
