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
	c := newCLI(t, nil)
	run, dsn, key, dir := c.run, c.dsn, c.key, c.dir
	if code, out := run("init", "--region", "360783"); code != 0 {
		t.Fatalf("init: %d %s", code, out)
	}
	d := dbFlags{db: dsn, keyFile: key}
	a, closeDB := testkit.Must2(d.open(ctx, c.env(), nil))(t)
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

// cli runs commands in-process on a test database with its key file, the
// environment variables vars.
type cli struct {
	t             *testing.T
	dsn, key, dir string
	vars          map[string]string
}

func newCLI(t *testing.T, vars map[string]string) *cli {
	dir := t.TempDir()
	return &cli{t: t, dsn: testkit.DSN(t), key: filepath.Join(dir, "zhitong.key"), dir: dir, vars: vars}
}

func (c *cli) env() Env {
	return Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(k string) string { return c.vars[k] }, Clock: testkit.NewClock(testkit.Start)}
}

// run runs the command on the database and returns its exit code and output.
func (c *cli) run(args ...string) (int, string) {
	c.t.Helper()
	env := c.env()
	code := Run(context.Background(), env, append(args, "--db", c.dsn, "--key-file", c.key))
	return code, env.Stdout.(*bytes.Buffer).String() + env.Stderr.(*bytes.Buffer).String()
}
