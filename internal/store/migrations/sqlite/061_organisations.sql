-- Second wave, set-up (zhitong init): the organisations a deployment serves,
-- one per region that has its own people's congress standing committee
-- (人大常委会). A region is governed by the organisation of its nearest
-- ancestor-or-self that has a row here.
CREATE TABLE organisations (
  region_code    TEXT PRIMARY KEY REFERENCES regions(code),
  name           TEXT NOT NULL,
  committee_name TEXT NOT NULL,
  short_name     TEXT NOT NULL,
  created_at     TEXT NOT NULL
);
