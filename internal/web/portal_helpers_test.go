package web_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"html"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/publication"
	"zhitong/internal/testkit"
	"zhitong/internal/testkit/testserver"
)

var ctx = context.Background()

// portal is a real server over a real database with the testkit fixture,
// and a browser-like client that keeps cookies and follows redirects.
type portal struct {
	t      *testing.T
	app    *app.App
	f      *testkit.Fixture
	srv    *httptest.Server
	client *http.Client
}

func newPortal(t *testing.T) *portal {
	t.Helper()
	s := testserver.Start(t)
	jar, _ := cookiejar.New(nil)
	return &portal{t: t, app: s.App, f: s.Fixture, srv: s.Server, client: &http.Client{Jar: jar}}
}

// page is a response read in full.
type page struct {
	status int
	header http.Header
	body   string
	url    string
}

func (p *portal) read(res *http.Response, err error) page {
	p.t.Helper()
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	return page{status: res.StatusCode, header: res.Header, body: string(b), url: res.Request.URL.String()}
}

func (p *portal) get(path string) page {
	p.t.Helper()
	return p.read(p.client.Get(p.srv.URL + path))
}

func (p *portal) postForm(path string, form url.Values) page {
	p.t.Helper()
	return p.read(p.client.PostForm(p.srv.URL+path, form))
}

// photo is a file part of a multipart submission.
type photo struct {
	name string
	data []byte
}

// submit posts the submission form as a browser does: multipart, photos last.
func (p *portal) submit(form url.Values, photos ...photo) page {
	p.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if len(photos) == 0 {
		// An empty file input is still sent, with no file name.
		w, _ := mw.CreateFormFile("photos", "")
		w.Write(nil)
	}
	for _, ph := range photos {
		w, err := mw.CreateFormFile("photos", ph.name)
		if err != nil {
			p.t.Fatal(err)
		}
		w.Write(ph.data)
	}
	mw.Close()
	req, err := http.NewRequest("POST", p.srv.URL+"/submit", &buf)
	if err != nil {
		p.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return p.read(p.client.Do(req))
}

// validForm is a complete, acceptable submission.
func (p *portal) validForm() url.Values {
	return url.Values{
		"category": {"roads"}, "body": {"建设路下雨天积水严重，行人无法通行"}, "place": {"历市镇建设路"},
		"region": {p.f.Town}, "station": {itoa(p.f.Station)}, "name": {"王小明"}, "phone": {"139 0797 1234"}, "privacy": {"1"},
	}
}

var codePattern = regexp.MustCompile(`class="portal-code"[^>]*>([0-9A-Z-]{14})<`)

// trackingCode finds the tracking code on the success page.
func trackingCode(t *testing.T, pg page) string {
	t.Helper()
	m := codePattern.FindStringSubmatch(pg.body)
	if m == nil {
		t.Fatalf("no tracking code on %s (%d):\n%s", pg.url, pg.status, pg.body)
	}
	return m[1]
}

// mustContain fails unless the page body contains every string (HTML-escaped as a template would).
func mustContain(t *testing.T, pg page, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(pg.body, w) && !strings.Contains(pg.body, html.EscapeString(w)) {
			t.Errorf("page %s does not contain %q", pg.url, w)
		}
	}
}

func mustNotContain(t *testing.T, pg page, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(pg.body, b) {
			t.Errorf("page %s contains %q", pg.url, b)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// gpsJPEG returns a real JPEG carrying an Exif APP1 segment with a GPS
// position (25.0°N, 115.0°E), as a phone camera writes it.
func gpsJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for x := range 16 {
		for y := range 16 {
			img.Set(x, y, color.RGBA{uint8(x * 16), uint8(y * 16), 128, 255})
		}
	}
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, img, nil); err != nil {
		t.Fatal(err)
	}
	// TIFF, big-endian: IFD0 with one entry pointing to the GPS IFD at 26,
	// which holds LatitudeRef, Latitude, LongitudeRef and Longitude.
	var tiff bytes.Buffer
	be := binary.BigEndian
	put := func(vs ...any) {
		for _, v := range vs {
			binary.Write(&tiff, be, v)
		}
	}
	ascii := func(c byte) uint32 { return uint32(c) << 24 }
	tiff.WriteString("MM")
	put(uint16(42), uint32(8))
	put(uint16(1), uint16(0x8825), uint16(4), uint32(1), uint32(26), uint32(0))
	dataAt := uint32(26 + 2 + 4*12 + 4)
	put(uint16(4))
	put(uint16(1), uint16(2), uint32(2), ascii('N'))
	put(uint16(2), uint16(5), uint32(3), dataAt)
	put(uint16(3), uint16(2), uint32(2), ascii('E'))
	put(uint16(4), uint16(5), uint32(3), dataAt+24)
	put(uint32(0))
	put([]uint32{25, 1, 0, 1, 0, 1, 115, 1, 0, 1, 0, 1})
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	be.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	b := plain.Bytes()
	out := append([]byte{}, b[:2]...)
	out = append(out, seg...)
	return append(out, b[2:]...)
}

// hasExif reports whether a JPEG has an APP1 Exif segment before its first scan.
func hasExif(b []byte) bool {
	for i := 2; i+4 <= len(b) && b[i] == 0xFF; {
		marker := b[i+1]
		if marker == 0xDA || marker == 0xD9 {
			return false
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if marker == 0xE1 && bytes.HasPrefix(b[i+4:], []byte("Exif\x00\x00")) {
			return true
		}
		i += 2 + n
	}
	return false
}

// replied takes a case through registration, assignment and acceptance to a reply.
func (p *portal) replied(code string, outcome zhitong.Outcome) {
	p.t.Helper()
	t := p.t
	v := testkit.Must(p.app.Track(ctx, code))(t)
	officer, lead := p.f.In[zhitong.RoleOfficer], p.f.In[zhitong.RoleUnit]
	list, _ := testkit.Must2(p.app.List(ctx, officer, app.ListInput{PerPage: 100}))(t)
	var id int64
	for _, c := range list {
		if c.Code == v.Code {
			id = c.ID
		}
	}
	if id == 0 {
		t.Fatalf("case %s not in the officer's list", code)
	}
	c := testkit.Must(p.app.Register(ctx, officer, id, app.RegisterInput{CategoryCode: "roads", StationID: p.f.Station}))(t)
	c = testkit.Must(p.app.Assign(ctx, officer, id, app.AssignInput{Version: c.Version, LeadUnit: p.f.Lead}))(t)
	c = testkit.Must(p.app.Accept(ctx, lead, id, app.TextInput{Version: c.Version}))(t)
	in := app.ReplyInput{Version: c.Version, Outcome: outcome, Text: "已安排施工队疏通排水管道并加装雨水篦子",
		PublicSummary: "疏通建设路8号门前排水管道，加装雨水篦子 3 个"}
	switch outcome {
	case zhitong.OutcomePlanned:
		in.PlannedDate = "2027-06-30"
	case zhitong.OutcomeNotNow:
		in.Reason = "资金尚未落实，已列入明年预算申请"
	}
	testkit.Must(p.app.Reply(ctx, lead, id, in))(t)
	p.publish(id)
}

// publish confirms the masked public text of case id as committee staff,
// which puts it on the results board.
func (p *portal) publish(id int64) {
	p.t.Helper()
	testkit.Must(publication.New(p.app).ConfirmDraft(ctx, p.f.In[zhitong.RoleCommittee], id))(p.t)
}
