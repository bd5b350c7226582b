-- Case exchange with 12345 hotlines and other Zhitong deployments
-- (internal/exchange, docs/exchange.md).
--
-- exchange_peers: one counterpart (kind 12345 | zhitong), bound to a region;
-- its shared secret sealed (AAD "exchange:secret"); category_map is the JSON
-- object mapping the peer's demand categories to ours, edited by the sysadmin.
CREATE TABLE exchange_peers (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  kind          TEXT NOT NULL,
  base_url      TEXT NOT NULL,
  secret_enc    TEXT NOT NULL,
  region_code   TEXT NOT NULL,
  category_map  TEXT NOT NULL DEFAULT '{}',
  enabled       BOOLEAN NOT NULL DEFAULT TRUE,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
-- exchange_orders: the link between a case and a work order (工单) of a
-- peer, sent (out) or received (in), with what came back.
CREATE TABLE exchange_orders (
  id            INTEGER PRIMARY KEY,
  peer_id       INTEGER NOT NULL REFERENCES exchange_peers(id),
  direction     TEXT NOT NULL,
  order_no      TEXT NOT NULL,
  case_id       INTEGER NOT NULL REFERENCES cases(id),
  consent       TEXT NOT NULL DEFAULT '',
  status        TEXT NOT NULL DEFAULT '',
  result        TEXT NOT NULL DEFAULT '',
  satisfaction  TEXT NOT NULL DEFAULT '',
  remote_id     TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  UNIQUE (peer_id, order_no)
);
CREATE INDEX exchange_orders_case ON exchange_orders(case_id);
-- exchange_messages: the outbox to peers. key (work-order number + step) is
-- the idempotency key the peer deduplicates on; body_enc is sealed (it may
-- carry the citizen's name and phone). pending → sending → sent, or dead
-- after the last attempt (the dead-letter list an operator retries).
CREATE TABLE exchange_messages (
  id            INTEGER PRIMARY KEY,
  peer_id       INTEGER NOT NULL REFERENCES exchange_peers(id),
  key           TEXT NOT NULL,
  order_no      TEXT NOT NULL,
  path          TEXT NOT NULL,
  case_id       INTEGER REFERENCES cases(id),
  body_enc      TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'pending',
  attempts      INTEGER NOT NULL DEFAULT 0,
  not_before    TEXT NOT NULL,
  claimed_at    TEXT NOT NULL DEFAULT '',
  last_error    TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL,
  sent_at       TEXT NOT NULL DEFAULT '',
  UNIQUE (peer_id, key)
);
CREATE INDEX exchange_messages_due ON exchange_messages(status, not_before);
-- exchange_received: what peers sent us. A nonce seen inside the replay
-- window is refused (kind 'nonce'); a message key already applied is
-- answered again without applying it twice (kind 'key').
CREATE TABLE exchange_received (
  peer_id       INTEGER NOT NULL REFERENCES exchange_peers(id),
  kind          TEXT NOT NULL,
  value         TEXT NOT NULL,
  case_id       INTEGER NOT NULL DEFAULT 0,
  received_at   TEXT NOT NULL,
  PRIMARY KEY (peer_id, kind, value)
);
CREATE INDEX exchange_received_at ON exchange_received(kind, received_at);
