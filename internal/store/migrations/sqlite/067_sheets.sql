-- Second wave, Excel import: a re-import finds each deputy by name (with
-- the constituency, internal/sheets); without an index every row of a large
-- sheet scans the whole table.
CREATE INDEX deputies_name ON deputies(name);
