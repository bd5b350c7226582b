package main

import (
	"bufio"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhitong/internal/testkit"
)

// TestInitThenServe sets up 西湖区 from an empty database with the real
// program, refuses a second init, and serves the county's empty portal.
func TestInitThenServe(t *testing.T) {
	dir := t.TempDir()
	dsn := testkit.DSN(t)
	out, err := run(t, dir, "init", "--db", dsn, "--region", "330106")
	if err != nil || !strings.Contains(out, "浙江省杭州市西湖区（330106）") || strings.Count(out, "密码：") != 2 {
		t.Fatalf("init: %v\n%s", err, out)
	}
	out, err = run(t, dir, "init", "--db", dsn, "--region", "330106")
	if err == nil || !strings.Contains(out, "已有数据") {
		t.Fatalf("second init: %v\n%s", err, out)
	}
	base, _ := startServer(t, dir, dsn)
	body := testkit.Send(t, "GET", base+"/", nil, nil).Body
	for _, want := range []string{"西湖区人大常委会", "尚未在平台上登记联络站"} {
		if !strings.Contains(body, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
}

var setupURL = regexp.MustCompile(`setup_url="?(http://127\.0\.0\.1:\d+/setup\?token=[a-z0-9]+)`)

// TestServeIssuesASetupToken: on an empty database zhitong serve logs a
// one-time set-up address; the page refuses a proxied request without it,
// takes the set-up with it, and is gone afterwards.
func TestServeIssuesASetupToken(t *testing.T) {
	dir := t.TempDir()
	cmd := zhitongCmd(t, dir, "serve", "--addr", "127.0.0.1:0", "--db", testkit.DSN(t))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := setupURL.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	var link string
	select {
	case link = <-found:
	case <-time.After(60 * time.Second):
		t.Fatal("no set-up address in the log")
	}
	u, _ := url.Parse(link)
	base, token := "http://"+u.Host, u.Query().Get("token")
	proxy := map[string]string{"X-Forwarded-For": "198.51.100.4"}
	if st := testkit.Send(t, "GET", base+"/setup", nil, proxy).Status; st != http.StatusForbidden {
		t.Fatalf("proxied GET /setup without the token: %d", st)
	}
	form := url.Values{"token": {token}, "region": {"360783"}, "secadmin": {"anquan"}, "committee": {"gongwei"}}
	if st := testkit.Send(t, "POST", base+"/setup", form, proxy).Status; st != http.StatusOK {
		t.Fatalf("set-up with the token: %d", st)
	}
	if st := testkit.Send(t, "GET", link, nil, proxy).Status; st != http.StatusSeeOther {
		t.Fatalf("the set-up page after set-up: %d", st)
	}
	if body := testkit.Send(t, "GET", base+"/", nil, nil).Body; !strings.Contains(body, "龙南市人大常委会") {
		t.Error("the portal does not name the organisation set up on the page")
	}
}
