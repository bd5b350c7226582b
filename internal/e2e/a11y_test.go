package e2e_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// colourJS defines rgb (a CSS colour's channels), lum (relative luminance)
// and contrast (the WCAG ratio of two colours) for the page scripts.
const colourJS = `
  const rgb = c => { const m = c.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const contrast = (a, b) => { const [l1, l2] = [lum(a), lum(b)].sort((x, y) => y - x); return (l1 + 0.05) / (l2 + 0.05); };`

// focusJS describes the focus indicator of the focused element: its tag,
// the outline, and the best contrast the indicator makes with what is
// around it (WCAG 2.2 wants 3:1). The indicator is the outline, or the
// outline with a light halo (box-shadow) between it and the background.
const focusJS = `(() => {` + colourJS + `
  const e = document.activeElement, s = getComputedStyle(e);
  let bg = {r: 255, g: 255, b: 255, a: 1};
  for (let n = e.parentElement; n; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor); if (c.a > 0.5) { bg = c; break; } }
  const ring = rgb(s.outlineColor);
  let best = contrast(ring, bg);
  const halo = s.boxShadow.match(/rgba?\([^)]*\)/);
  if (halo) best = Math.max(best, Math.min(contrast(rgb(halo[0]), bg), contrast(ring, rgb(halo[0]))));
  return e.tagName + " " + s.outlineStyle + " " + s.outlineWidth + " " + best.toFixed(2);
})()`

// auditJS inspects the page as rendered: the document language, the title,
// inputs without a label, and text whose contrast with its background is
// below WCAG AA (4.5:1, or 3:1 for large text). It returns the problems.
const auditJS = `(() => {
  const out = [];
  if (document.documentElement.lang !== "zh-CN") out.push("lang=" + document.documentElement.lang);
  if (!document.title.trim()) out.push("empty title");
  const visible = e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none"; };
  for (const e of document.querySelectorAll("input, select, textarea")) {
    if (e.type === "hidden" || !visible(e)) continue;
    const named = e.labels && e.labels.length || e.getAttribute("aria-label") || e.getAttribute("aria-labelledby") || e.title;
    if (!named) out.push("no label: " + e.outerHTML.slice(0, 80));
  }
` + colourJS + `
  const background = e => {
    for (let n = e; n; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.backgroundImage !== "none") return null;
      const c = rgb(s.backgroundColor);
      if (c.a > 0.5) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  for (const e of document.querySelectorAll("body *")) {
    const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !visible(e)) continue;
    const s = getComputedStyle(e);
    const bg = background(e); if (!bg) continue;
    const fg = rgb(s.color);
    const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) out.push("contrast " + ratio.toFixed(2) + " < " + need + ": <" + e.tagName.toLowerCase() + " class=" + e.className + "> " + e.textContent.trim().slice(0, 30));
  }
  return out;
})()`

// TestPagesAreAccessible checks every main page, in normal and elderly
// mode, for language, title, labels and contrast, and that the keyboard
// focus is visible.
func TestPagesAreAccessible(t *testing.T) {
	s := newSite(t)
	f := s.Fixture
	s.account(f.In[zhitong.RoleOfficer], "ganshi")
	c := s.assigned("建设路的井盖缺失，夜里很危险")
	code := c.Code
	answered := testkit.Must(s.App.Submit(t.Context(), zhitong.Citizen, app.IntakeInput{Body: "咨询医保缴费时间", StationID: f.Station}))(t)
	testkit.Must(s.App.Answer(t.Context(), f.In[zhitong.RoleOfficer], answered.ID, app.TextInput{Text: "12 月 31 日前缴纳即可"}))(t)

	s.account(f.In[zhitong.RoleDeputy], "e2e-deputy")
	deputyPages := rosterE2E(t, s) // roster: Wednesday duties, before the booking's Thursday rules
	appt := s.booking()            // appointments: an open reception day with one booking
	public := []string{"/", "/submit", "/track", "/track/" + code, "/results", fmt.Sprintf("/stations/%d", f.Station), "/login", "/no-such-page",
		fmt.Sprintf("/stations/%d/book", f.Station), "/appointments/" + appt}
	staff := []string{"/work", "/work/cases", fmt.Sprintf("/work/cases/%d", c.ID), "/work/intake", "/account", "/account/two-factor",
		"/work/appointments", "/work/appointments/settings", "/work/roster",
		"/work/stations", fmt.Sprintf("/work/stations/%d", f.Station), "/work/deputies", fmt.Sprintf("/work/deputies/%d", f.Deputy)}
	staff = append(staff, fmt.Sprintf("/work/stations/%d/reception", f.Station))

	s.account(zhitong.Principal{Name: "安全管理员", Role: zhitong.RoleSecAdmin, RegionCode: f.County}, "anquan")
	admin := []string{"/work/accounts", "/work/accounts/new", "/work/tokens", "/work/signin-policy"}
	for _, u := range testkit.Must(store.ListUsersUnder(t.Context(), s.App.DB(), f.County))(t) {
		admin = append(admin, fmt.Sprintf("/work/accounts/%d", u.ID))
		break
	}

	for _, mode := range []string{"normal", "elderly"} {
		citizen := s.person("citizen-"+mode, phoneWidth)
		secadmin := s.person("secadmin-"+mode, desktopWidth)
		secadmin.login("anquan")
		officer := s.person("officer-"+mode, desktopWidth)
		officer.login("ganshi")
		deputy := s.person("deputy-"+mode, phoneWidth)
		deputy.login("e2e-deputy")
		if mode == "elderly" {
			citizen.visit("/elderly")
			officer.visit("/elderly")
			deputy.visit("/elderly")
			secadmin.visit("/elderly")
		}
		for _, who := range []struct {
			p     *person
			pages []string
		}{{citizen, public}, {officer, staff}, {deputy, deputyPages}, {secadmin, admin}} {
			for _, path := range who.pages {
				who.p.visit(path)
				if mode == "elderly" && !strings.Contains(run(who.p, evalString(`document.documentElement.className + " " + document.body.className`)), "elderly") {
					t.Errorf("%s %s: elderly mode not remembered", mode, path)
				}
				for _, problem := range run(who.p, chromedp.Evaluate[[]string](auditJS)) {
					t.Errorf("%s %s: %s", mode, path, problem)
				}
			}
		}
	}

	// The keyboard reaches the first link and shows where it is.
	kb := s.person("keyboard", desktopWidth)
	kb.visit("/")
	// The skip link, then the brand in the red header: the indicator shows
	// on the light page and on the brand colour.
	for i := range 2 {
		kb.do(chromedp.KeyEvent("\t"))
		f := strings.Fields(run(kb, evalString(focusJS)))
		ratio, _ := strconv.ParseFloat(f[len(f)-1], 64)
		if len(f) != 4 || f[0] == "BODY" || f[1] == "none" || f[2] == "0px" || ratio < 3 {
			t.Errorf("focused element after %d Tab: %v, want a visible outline with 3:1 contrast", i+1, f)
		}
	}
}

// TestPortalPagesAreLight measures what the home and tracking pages
// transfer, all assets included: the brief allows 200 KB.
func TestPortalPagesAreLight(t *testing.T) {
	s := newSite(t)
	c := s.assigned("建设路的井盖缺失，夜里很危险")
	for _, path := range []string{"/", "/track/" + c.Code, "/submit"} {
		p := s.person("citizen", phoneWidth)
		p.visit(path)
		bytes := run(p, evalInt(`performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource")).reduce((n, e) => n + (e.transferSize || e.encodedBodySize || 0), 0)`))
		t.Logf("%s transfers %d bytes", path, bytes)
		if bytes == 0 || bytes > 200*1024 {
			t.Errorf("%s transfers %d bytes, want 1..200 KB", path, bytes)
		}
	}
}
