package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhitong/internal/sso"
	"zhitong/internal/testkit"
)

// TestSSOFlags: `init` takes the provider's settings from --sso-* flags
// and ZHITONG_SSO_* variables, the client secret only from the environment
// or a file (never argv), never printed; bad settings are refused before
// anything is set up; the same settings given again (a restart of serve)
// write nothing.
func TestSSOFlags(t *testing.T) {
	ctx := context.Background()
	const secret = "idp-client-secret-from-env-0001"
	vars := map[string]string{"ZHITONG_SSO_CLIENT_SECRET": secret, "ZHITONG_SSO_CLIENT_ID": "zhitong-longnan"}
	c0 := newCLI(t, vars)
	run, dsn, key, dir := c0.run, c0.dsn, c0.key, c0.dir
	if code, out := run("init", "--region", "360783", "--sso-issuer", "https://idp.example.gov.cn", "--sso-redirect-url", "https://zhitong.example/elsewhere"); code == 0 || !strings.Contains(out, "/sso/callback") {
		t.Fatalf("bad redirect: %d %s", code, out)
	}
	code, out := run("init", "--region", "360783", "--sso-issuer", "https://idp.example.gov.cn", "--sso-redirect-url", "https://zhitong.example/sso/callback",
		"--sso-require-staff", "true")
	if code != 0 {
		t.Fatalf("init: %d %s", code, out)
	}
	if strings.Contains(out, secret) {
		t.Fatal("init printed the client secret")
	}
	d := dbFlags{db: dsn, keyFile: key}
	env := c0.env()
	a, closeDB := testkit.Must2(d.open(ctx, env, nil))(t)
	defer closeDB()
	c := testkit.Must(sso.New(a).Config(ctx))(t)
	if !c.Enabled || c.Issuer != "https://idp.example.gov.cn" || c.ClientID != "zhitong-longnan" || c.ClientSecret != secret || !c.RequireForStaff || !c.Ready() {
		t.Fatalf("stored %+v", c)
	}
	var stored string
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT secret_enc FROM sso_secrets`).Scan(&stored))(t)
	if strings.Contains(stored, secret) {
		t.Fatal("the secret is stored in clear")
	}
	audits := func() (n int) {
		testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'sso.config'`).Scan(&n))(t)
		return n
	}
	if audits() != 1 {
		t.Fatalf("%d sso.config entries", audits())
	}
	// A restart with the same settings writes nothing; a secret file wins over the variable.
	fs := newFlags("serve", env)
	f := registerSSOFlags(fs, env)
	testkit.Must(0, fs.Parse([]string{"--sso-issuer", "https://idp.example.gov.cn"}))(t)
	testkit.Must(0, f.apply(ctx, env, a, nil))(t)
	if audits() != 1 {
		t.Fatal("the same settings were stored again")
	}
	file := filepath.Join(dir, "secret")
	testkit.Must(0, os.WriteFile(file, []byte("idp-client-secret-from-file-0002\n"), 0o600))(t)
	fs = newFlags("serve", env)
	f = registerSSOFlags(fs, env)
	testkit.Must(0, fs.Parse([]string{"--sso-client-secret-file", file}))(t)
	testkit.Must(0, f.apply(ctx, env, a, nil))(t)
	if c := testkit.Must(sso.New(a).Config(ctx))(t); c.ClientSecret != "idp-client-secret-from-file-0002" || audits() != 2 {
		t.Fatalf("secret from file: %q, %d entries", c.ClientSecret, audits())
	}
	if fs.Lookup("sso-client-secret") != nil {
		t.Fatal("a client-secret flag exists (it would show in argv)")
	}
}
