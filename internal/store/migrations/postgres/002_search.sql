-- Chinese full-text search: internal/search turns text into character
-- bigrams, indexed as 'simple' lexemes so two-character words are found.
ALTER TABLE cases ADD COLUMN search tsvector NOT NULL DEFAULT ''::tsvector;
CREATE INDEX cases_search ON cases USING GIN (search);
