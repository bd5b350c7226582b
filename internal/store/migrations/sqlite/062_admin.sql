-- Second wave, administration (docs/admin.md): regions the national data
-- lacks (kind), retiring instead of deleting (retired_at, '' while in use),
-- a handling unit's parent department and SMS contact (phone sealed with
-- SM4-GCM, never plaintext), and each jurisdiction's default lead unit
-- per category.
ALTER TABLE regions ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE regions ADD COLUMN retired_at TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN parent_id BIGINT REFERENCES units(id);
ALTER TABLE units ADD COLUMN contact TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN phone_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN retired_at TEXT NOT NULL DEFAULT '';
ALTER TABLE categories ADD COLUMN retired_at TEXT NOT NULL DEFAULT '';

CREATE TABLE category_units (
  category_code TEXT NOT NULL REFERENCES categories(code),
  region_code   TEXT NOT NULL REFERENCES regions(code),
  unit_id       BIGINT NOT NULL REFERENCES units(id),
  PRIMARY KEY (category_code, region_code)
);
