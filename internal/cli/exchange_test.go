package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/documents"
	"zhitong/internal/exchange"
	"zhitong/internal/testkit"
)

// TestExchangeKeyExport: after `init`, a peer's SM2 public key exports as
// PEM (the key pair made at the first export, the same key after), and an
// unknown peer or a missing --peer is refused with a plain statement.
func TestExchangeKeyExport(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn, key := testkit.DSN(t), filepath.Join(dir, "zhitong.key")
	run := func(args ...string) (int, string) {
		t.Helper()
		var out, errs bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }, Clock: testkit.NewClock(testkit.Start)}
		code := Run(ctx, env, append(args, "--db", dsn, "--key-file", key))
		return code, out.String() + errs.String()
	}
	if code, out := run("init", "--region", "360783"); code != 0 {
		t.Fatalf("init: %d %s", code, out)
	}
	d := dbFlags{db: dsn, keyFile: key}
	env := Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(string) string { return "" }, Clock: testkit.NewClock(testkit.Start)}
	a, closeDB := testkit.Must2(d.open(ctx, env, nil))(t)
	sys := zhitong.Principal{UserID: 1, Role: zhitong.RoleSysAdmin, RegionCode: "360783", Name: "sys"}
	testkit.Must(exchange.New(a).SavePeer(ctx, sys, exchange.Peer{Name: "jx12345", Kind: exchange.Kind12345, BaseURL: "https://12345.example",
		Secret: "a-shared-secret-of-at-least-32-characters", RegionCode: "360783", Enabled: true}))(t)
	closeDB()

	if code, out := run("exchange", "key", "export"); code == 0 || !strings.Contains(out, "--peer") {
		t.Errorf("no --peer: %d %s", code, out)
	}
	if code, out := run("exchange", "key", "export", "--peer", "nosuch"); code == 0 || !strings.Contains(out, "不存在") {
		t.Errorf("unknown peer: %d %s", code, out)
	}
	pemFile := filepath.Join(dir, "peer.pem")
	if code, out := run("exchange", "key", "export", "--peer", "jx12345", "--out", pemFile); code != 0 || !strings.Contains(out, "jx12345") {
		t.Fatalf("export: %d %s", code, out)
	}
	pemText := testkit.Must(os.ReadFile(pemFile))(t)
	if _, err := documents.ParsePublicPEM(string(pemText)); err != nil {
		t.Fatalf("exported key: %v\n%s", err, pemText)
	}
	if code, out := run("exchange", "key", "export", "--peer", "jx12345"); code != 0 || out != string(pemText) {
		t.Errorf("second export differs: %d %s", code, out)
	}
}
