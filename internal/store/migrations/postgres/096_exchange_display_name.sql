-- Exchange, continued (internal/exchange, docs/exchange.md).
--
-- display_name: the name the citizen reads for a peer (赣州市人大常委会),
-- in the tracking page and the history of a case referred to it; the
-- internal peer name (ganzhou) is never shown to the citizen.
ALTER TABLE exchange_peers ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
