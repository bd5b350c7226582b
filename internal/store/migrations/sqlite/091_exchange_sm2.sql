-- Exchange, continued (internal/exchange, docs/exchange.md).
--
-- SM2 signatures as an alternative to HMAC-SM3: signing is 'hmac' or 'sm2'.
-- With sm2 we sign with our own key pair made for the peer, its private
-- part sealed under the master key (AAD "exchange:sm2"), and verify the
-- peer's requests with the public key it gave us (peer_public_pem).
ALTER TABLE exchange_peers ADD COLUMN signing TEXT NOT NULL DEFAULT 'hmac';
ALTER TABLE exchange_peers ADD COLUMN sm2_private_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE exchange_peers ADD COLUMN sm2_public_pem TEXT NOT NULL DEFAULT '';
ALTER TABLE exchange_peers ADD COLUMN peer_public_pem TEXT NOT NULL DEFAULT '';
-- exchange_refusals: every refused inbound request (malformed, unsigned,
-- replayed, out of jurisdiction …), for the operator's log on
-- /work/admin/exchange. peer_id is NULL when the name is no peer of ours.
-- No personal data: the peer name, the path kind, the code, the message.
CREATE TABLE exchange_refusals (
  id            INTEGER PRIMARY KEY,
  peer_id       INTEGER REFERENCES exchange_peers(id),
  peer_name     TEXT NOT NULL,
  kind          TEXT NOT NULL,
  code          TEXT NOT NULL,
  field         TEXT NOT NULL DEFAULT '',
  message       TEXT NOT NULL,
  order_no      TEXT NOT NULL DEFAULT '',
  remote        TEXT NOT NULL DEFAULT '',
  at            TEXT NOT NULL
);
CREATE INDEX exchange_refusals_at ON exchange_refusals(at);
