-- A small JPEG of each photo (240 px on the longest side), sealed like the
-- photo itself, so pages that list photos load kilobytes, not megabytes.
-- NULL for photos that could not be decoded: pages show the photo instead.
ALTER TABLE attachments ADD COLUMN thumb BYTEA;

-- What the unit says was done, in a sentence for the public results board
-- (办理公示). Optional; never the reply itself, which may address the citizen.
ALTER TABLE replies ADD COLUMN public_summary TEXT NOT NULL DEFAULT '';
