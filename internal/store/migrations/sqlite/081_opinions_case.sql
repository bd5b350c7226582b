-- The analysis opinions of one case, read on its page (docs/analysis.md).
CREATE INDEX analysis_opinions_case ON analysis_opinions(case_id);
