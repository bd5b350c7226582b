package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"zhitong/internal/testkit"
)

// commandRunner runs `zhitong GROUP COMMAND …` against one fresh database
// (its DSN is returned too): exit code and output.
func commandRunner(t *testing.T) (string, func(args ...string) (int, string)) {
	ctx := context.Background()
	dsn, key := testkit.DSN(t), filepath.Join(t.TempDir(), "zhitong.key")
	return dsn, func(args ...string) (int, string) {
		t.Helper()
		var out, errs bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }, Clock: testkit.NewClock(testkit.Start)}
		code := Run(ctx, env, append([]string{args[0], args[1], "--db", dsn, "--key-file", key}, args[2:]...))
		return code, out.String() + errs.String()
	}
}

// TestUserAndTokenCommands drives the account commands against one
// database: add, list, reset, disable, enable, unlock; token add, list,
// revoke.
func TestUserAndTokenCommands(t *testing.T) {
	_, run := commandRunner(t)
	must := func(want string, args ...string) string {
		t.Helper()
		code, out := run(args...)
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("zhitong %s: exit %d, %s (want %q)", strings.Join(args, " "), code, out, want)
		}
		return out
	}
	must("已创建账号 sec1", "user", "add", "--username", "sec1", "--role", "secadmin", "--password", "Test-Passw0rd")
	must("已创建账号 clerk", "user", "add", "--username", "clerk", "--role", "officer", "--password", "Test-Passw0rd")
	out := must("clerk", "user", "list")
	if !strings.Contains(out, "正常") || strings.Contains(out, "argon2") {
		t.Errorf("list: %s", out)
	}
	out = must("下次登录须修改", "user", "reset", "--username", "clerk")
	if !strings.Contains(out, "-") {
		t.Errorf("reset shows no password: %s", out)
	}
	must("待改密码", "user", "list")
	must("已停用 clerk", "user", "disable", "--username", "clerk")
	must("已停用", "user", "list")
	must("已启用 clerk", "user", "enable", "--username", "clerk")
	must("已解除 clerk 的锁定", "user", "unlock", "--username", "clerk")
	if code, out := run("user", "disable", "--username", "sec1"); code != 1 || !strings.Contains(out, "最后一个") {
		t.Errorf("disable the last security administrator: exit %d, %s", code, out)
	}
	if code, out := run("user", "disable", "--username", "nobody"); code != 1 || !strings.Contains(out, "用户不存在") {
		t.Errorf("unknown user: exit %d, %s", code, out)
	}
	must("zt_", "token", "add", "--name", "12345热线", "--role", "integration")
	out = must("12345热线", "token", "list")
	if !strings.Contains(out, "从未使用") || !strings.Contains(out, "有效") {
		t.Errorf("token list: %s", out)
	}
	must("已吊销令牌 1", "token", "revoke", "--id", "1")
	must("已吊销", "token", "list")
	if code, _ := run("token", "revoke", "--id", "99"); code != 1 {
		t.Errorf("revoke an unknown token: exit %d", code)
	}
}
