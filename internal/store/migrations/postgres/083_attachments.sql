-- Attachments beyond the citizen's own photos (internal/attachments,
-- docs/attachments.md): the handling unit's signed reply letter and its
-- photos after repair, the papers and photos staff take in at a walk-in.
-- kind says which ('citizen_photo' for the photos citizens attach online,
-- every row before this migration); name_enc is the file name as
-- uploaded, sealed (a name may say whose paper it is); public marks what
-- the citizen sees on the tracking page; added_by the user.
ALTER TABLE attachments ADD COLUMN kind TEXT NOT NULL DEFAULT 'citizen_photo';
ALTER TABLE attachments ADD COLUMN name_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE attachments ADD COLUMN public BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE attachments ADD COLUMN added_by BIGINT NOT NULL DEFAULT 0;
