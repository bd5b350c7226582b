-- Chinese full-text search: internal/search turns text into character
-- bigrams, FTS5's unicode61 tokenizer indexes them as words.
CREATE VIRTUAL TABLE cases_fts USING fts5(tokens, tokenize='unicode61');
