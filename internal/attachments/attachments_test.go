package attachments_test

import (
	"bytes"
	"context"
	"image"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/attachments"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

var ctx = context.Background()

// accepted submits a case as a citizen, registers and assigns it to the
// fixture's lead unit, which accepts it; it returns the case.
func accepted(t *testing.T, a *app.App, f *testkit.Fixture) *zhitong.Case {
	t.Helper()
	officer, lead := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleUnit]
	c := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "建设路路灯不亮", RegionCode: f.Town, Name: "王小明", Phone: "139 0797 1234", Place: "历市镇建设路"}))(t)
	c = testkit.Must(a.Register(ctx, officer, c.ID, app.RegisterInput{Version: c.Version, CategoryCode: "roads", StationID: f.Station, Title: "建设路路灯不亮"}))(t)
	c = testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{Version: c.Version, LeadUnit: f.Lead}))(t)
	return testkit.Must(a.Accept(ctx, lead, c.ID, app.TextInput{Version: c.Version}))(t)
}

func reply(c *zhitong.Case) app.ReplyInput {
	return app.ReplyInput{Version: c.Version, Outcome: zhitong.OutcomeSolved, Text: "已更换路灯", PublicSummary: "已修复"}
}

func audited(t *testing.T, a *app.App, caseID int64) []string {
	t.Helper()
	list := testkit.Must(store.ListAuditFiltered(ctx, a.DB(), store.AuditQuery{Object: "case:" + strconv.FormatInt(caseID, 10)}))(t)
	var out []string
	for _, e := range list {
		out = append(out, e.Action)
	}
	return out
}

// The lead unit replies with its signed letter (not public) and a photo
// after repair (public): both are stored sealed with the reply, audited;
// the photo comes back upright, without its Exif and GPS; staff see both,
// the citizen only the public photo.
func TestReplyWithLetterAndPhoto(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	svc := attachments.New(a)
	lead, officer := f.In[zhitong.RoleUnit], f.In[zhitong.RoleOfficer]
	c := accepted(t, a, f)
	shot := photo(t, 40, 20, 6)
	got := testkit.Must(svc.Reply(ctx, lead, c.ID, reply(c), []attachments.Input{
		{Kind: attachments.KindReplyLetter, Name: `C:\扫描\答复函.pdf`, Data: pdf},
		{Kind: attachments.KindReplyPhoto, Name: "IMG_0001.jpg", Data: shot, Public: true},
	}))(t)
	if got.Status != zhitong.StatusReplied {
		t.Fatalf("status = %s", got.Status)
	}
	list := testkit.Must(svc.List(ctx, officer, c.ID))(t)
	if len(list) != 2 || list[0].Kind != attachments.KindReplyLetter || list[0].Public || list[0].Name != "答复函.pdf" ||
		list[0].ContentType != attachments.TypePDF || list[0].Size != len(pdf) ||
		list[1].Kind != attachments.KindReplyPhoto || !list[1].Public || list[1].ContentType != attachments.TypeJPEG {
		t.Fatalf("list = %+v", list)
	}
	// The citizen's own photos are not this package's.
	if own := testkit.Must(a.Attachments(ctx, officer, c.ID))(t); len(own) != 0 {
		t.Fatalf("citizen photos = %+v", own)
	}

	letter := testkit.Must(svc.Open(ctx, lead, c.ID, list[0].ID))(t)
	if !bytes.Equal(letter.Data, pdf) {
		t.Fatal("the PDF is not stored as it is")
	}
	ph := testkit.Must(svc.Open(ctx, officer, c.ID, list[1].ID))(t)
	if bytes.Contains(ph.Data, []byte("Exif")) || bytes.Contains(ph.Data, []byte("WUNING")) {
		t.Fatal("the photo kept its metadata")
	}
	m, format, err := image.Decode(bytes.NewReader(ph.Data))
	if err != nil || format != "jpeg" {
		t.Fatalf("stored photo: %v %s", err, format)
	}
	// Orientation 6: turned a quarter clockwise, the red left half on top.
	if b := m.Bounds(); b.Dx() != 20 || b.Dy() != 40 {
		t.Fatalf("stored photo is %v, want 20×40 (upright)", b)
	}
	if r, _, bl, _ := m.At(10, 5).RGBA(); r < bl {
		t.Fatalf("top of the upright photo is not red: r=%d b=%d", r, bl)
	}

	// Sealed at rest: the stored bytes are not the file.
	var raw []byte
	if err := a.DB().QueryRow(ctx, `SELECT data FROM attachments WHERE id = ?`, list[0].ID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("%PDF")) {
		t.Fatal("the letter is stored in the clear")
	}
	var name string
	if err := a.DB().QueryRow(ctx, `SELECT name_enc FROM attachments WHERE id = ?`, list[0].ID).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(name, "答复函") || name == "" {
		t.Fatalf("the file name is stored as %q", name)
	}

	acts := strings.Join(audited(t, a, c.ID), ",")
	if !strings.Contains(acts, "case.attach") {
		t.Fatalf("audit = %s", acts)
	}

	// The citizen sees the public photo only.
	pub := testkit.Must(svc.TrackList(ctx, c.Code))(t)
	if len(pub) != 1 || pub[0].ID != list[1].ID {
		t.Fatalf("citizen sees %+v", pub)
	}
	testkit.Must(svc.TrackOpen(ctx, c.Code, list[1].ID))(t)
	_, err = svc.TrackOpen(ctx, c.Code, list[0].ID)
	testkit.WantCode(t, err, zhitong.ENOTFOUND)
	// Nor through the citizen-photo route.
	_, err = a.TrackAttachment(ctx, c.Code, list[0].ID, false)
	testkit.WantCode(t, err, zhitong.ENOTFOUND)
	if own := testkit.Must(a.TrackAttachments(ctx, c.Code))(t); len(own) != 0 {
		t.Fatalf("track photos = %+v", own)
	}

	// A photo added later, on its own, is audited too.
	more := testkit.Must(svc.Add(ctx, lead, c.ID, []attachments.Input{{Kind: attachments.KindReplyPhoto, Name: "after.png", Data: pngOf(t, image.NewGray(image.Rect(0, 0, 8, 8))), Public: true}}))(t)
	if len(more) != 1 || more[0].ContentType != attachments.TypePNG {
		t.Fatalf("added %+v", more)
	}
	if n := strings.Count(strings.Join(audited(t, a, c.ID), ","), "case.attach"); n != 2 {
		t.Fatalf("%d attach entries", n)
	}
}

// Wrong types, PDFs where photos go, cut-off PDFs, too many or too big
// files and images claiming too many pixels are refused with the field
// named, and nothing is written: not the reply, not any file.
func TestBadFilesWriteNothing(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	svc := attachments.New(a)
	lead := f.In[zhitong.RoleUnit]
	c := accepted(t, a, f)
	ok := attachments.Input{Kind: attachments.KindReplyPhoto, Name: "ok.jpg", Data: photo(t, 8, 8, 1)}
	many := make([]attachments.Input, attachments.MaxFiles+1)
	for i := range many {
		many[i] = ok
	}
	for name, files := range map[string][]attachments.Input{
		"text named .jpg":     {ok, {Kind: attachments.KindReplyPhoto, Name: "fake.jpg", Data: []byte("GIF89a not really")}},
		"PDF as a photo":      {{Kind: attachments.KindReplyPhoto, Name: "a.pdf", Data: pdf}},
		"cut-off PDF":         {{Kind: attachments.KindReplyLetter, Name: "a.pdf", Data: pdf[:40]}},
		"empty":               {{Kind: attachments.KindReplyLetter, Name: "a.pdf"}},
		"too many":            many,
		"too big":             {{Kind: attachments.KindReplyPhoto, Name: "big.jpg", Data: append(photo(t, 8, 8, 1), make([]byte, attachments.MaxImageBytes)...)}},
		"60000×60000 claimed": {{Kind: attachments.KindReplyPhoto, Name: "huge.png", Data: pngClaiming(60000, 60000, []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})}},
		"intake kind":         {{Kind: attachments.KindIntakePhoto, Name: "a.jpg", Data: ok.Data}},
		"broken JPEG":         {{Kind: attachments.KindReplyPhoto, Name: "a.jpg", Data: ok.Data[:len(ok.Data)/3]}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := svc.Reply(ctx, lead, c.ID, reply(c), files)
			testkit.WantCode(t, err, zhitong.EINVALID)
			if zhitong.ErrorField(err) != attachments.Field {
				t.Fatalf("field %q: %v", zhitong.ErrorField(err), err)
			}
			if !strings.ContainsFunc(zhitong.ErrorMessage(err), func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
				t.Fatalf("message not in Chinese: %v", err)
			}
		})
	}
	now := testkit.Must(a.ViewableCase(ctx, a.DB(), lead, c.ID))(t)
	if now.Status != zhitong.StatusInProgress || now.Version != c.Version {
		t.Fatalf("case changed: %s v%d", now.Status, now.Version)
	}
	var n int
	if err := a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM attachments`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d attachments stored (%v)", n, err)
	}
}

// A small file that decodes to a huge image is refused from its header:
// neither the crafted 60000×60000 header nor a real deflate bomb (49
// megapixels of zeros in a few tens of kilobytes) allocates its image.
func TestHugeImagesRefusedBeforeDecoding(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	svc := attachments.New(a)
	c := accepted(t, a, f)
	for name, data := range map[string][]byte{
		"header claims 60000×60000": pngClaiming(60000, 60000, []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}),
		"deflate bomb 7000×7000":    bomb(t, 7000, 7000),
	} {
		t.Run(name, func(t *testing.T) {
			if len(data) > 256<<10 {
				t.Fatalf("test file is %d bytes", len(data))
			}
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := svc.Add(ctx, f.In[zhitong.RoleUnit], c.ID, []attachments.Input{{Kind: attachments.KindReplyPhoto, Name: "x.png", Data: data}})
			runtime.ReadMemStats(&after)
			testkit.WantCode(t, err, zhitong.EINVALID)
			if !strings.Contains(zhitong.ErrorMessage(err), "像素过多") {
				t.Fatalf("message: %v", err)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
				t.Fatalf("allocated %d MB for a %d-byte file", grew>>20, len(data))
			}
		})
	}
}

// Every case id is checked against the actor: another county's staff and
// unit, a co-handling unit attaching reply files, a unit attaching intake
// files, an attachment id of another case.
func TestAttachmentsStayInJurisdiction(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	svc := attachments.New(a)
	lead, officer := f.In[zhitong.RoleUnit], f.In[zhitong.RoleOfficer]
	c := accepted(t, a, f)
	letter := []attachments.Input{{Kind: attachments.KindReplyLetter, Name: "l.pdf", Data: pdf}}
	got := testkit.Must(svc.Add(ctx, lead, c.ID, letter))(t)

	for _, p := range []zhitong.Principal{f.Out[zhitong.RoleOfficer], f.Out[zhitong.RoleUnit]} {
		if _, err := svc.List(ctx, p, c.ID); zhitong.ErrorCode(err) != zhitong.EFORBIDDEN && zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
			t.Fatalf("%s lists: %v", p.Name, err)
		}
		if _, err := svc.Open(ctx, p, c.ID, got[0].ID); err == nil {
			t.Fatalf("%s opened another county's letter", p.Name)
		}
		if _, err := svc.Add(ctx, p, c.ID, letter); err == nil {
			t.Fatalf("%s attached to another county's case", p.Name)
		}
	}
	_, err := svc.Add(ctx, lead, c.ID, []attachments.Input{{Kind: attachments.KindIntakeScan, Name: "s.pdf", Data: pdf}})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)

	// Another case of the same county: the first case's attachment id is
	// not found through it.
	other := accepted(t, a, f)
	_, err = svc.Open(ctx, officer, other.ID, got[0].ID)
	testkit.WantCode(t, err, zhitong.ENOTFOUND)
	_, err = a.AttachmentData(ctx, officer, c.ID, got[0].ID, false)
	testkit.WantCode(t, err, zhitong.ENOTFOUND)
}

// Staff take in a walk-in with a scanned paper and a photo: the case and
// its files are stored together; a bad file stores neither.
func TestIntakeWithScans(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	svc := attachments.New(a)
	officer := f.In[zhitong.RoleOfficer]
	in := app.IntakeInput{Channel: zhitong.ChannelWalkIn, Body: "村道塌方，带来村委会证明", RegionCode: f.Town, CategoryCode: "roads", StationID: f.Station, Name: "李大爷", Phone: "139 0797 5678"}
	_, err := svc.Intake(ctx, officer, in, []attachments.Input{{Kind: attachments.KindIntakeScan, Name: "证明.pdf", Data: []byte("not a pdf")}})
	testkit.WantCode(t, err, zhitong.EINVALID)
	var n int
	if err := a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d cases after a refused intake (%v)", n, err)
	}
	c := testkit.Must(svc.Intake(ctx, officer, in, []attachments.Input{
		{Kind: attachments.KindIntakeScan, Name: "证明.pdf", Data: pdf},
		{Kind: attachments.KindIntakePhoto, Name: "现场.jpg", Data: photo(t, 16, 16, 3)},
	}))(t)
	list := testkit.Must(svc.List(ctx, officer, c.ID))(t)
	if len(list) != 2 || list[0].Kind != attachments.KindIntakeScan || list[1].Kind != attachments.KindIntakePhoto || list[1].Public {
		t.Fatalf("list = %+v", list)
	}
	if !strings.Contains(strings.Join(audited(t, a, c.ID), ","), "case.attach") {
		t.Fatal("intake attachments not audited")
	}
}

// A file added later goes onto a replied case; once the case is closed,
// and once archived, adding is refused (ECONFLICT, in Chinese) and nothing
// is written.
func TestNoFilesOnClosedCases(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	svc := attachments.New(a)
	lead, officer := f.In[zhitong.RoleUnit], f.In[zhitong.RoleOfficer]
	c := accepted(t, a, f)
	c = testkit.Must(svc.Reply(ctx, lead, c.ID, reply(c), nil))(t)
	later := []attachments.Input{{Kind: attachments.KindReplyLetter, Name: "补交答复函.pdf", Data: pdf}}
	testkit.Must(svc.Add(ctx, lead, c.ID, later))(t)
	c = testkit.Must(a.Close(ctx, officer, c.ID, app.TextInput{Version: c.Version, Text: "多次回访未联系上"}))(t)
	files := func() int {
		var n int
		if err := a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM attachments WHERE case_id = ?`, c.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before, audits := files(), len(audited(t, a, c.ID))
	_, err := svc.Add(ctx, lead, c.ID, later)
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	if !strings.Contains(zhitong.ErrorMessage(err), "已办结，不能再添加附件") {
		t.Errorf("closed: %v", err)
	}
	c = testkit.Must(a.Archive(ctx, officer, c.ID, app.TextInput{Version: c.Version}))(t)
	audits++ // the archiving
	_, err = svc.Add(ctx, officer, c.ID, []attachments.Input{{Kind: attachments.KindIntakeScan, Name: "材料.pdf", Data: pdf}})
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	if !strings.Contains(zhitong.ErrorMessage(err), "已归档，不能再添加附件") {
		t.Errorf("archived: %v", err)
	}
	if files() != before || len(audited(t, a, c.ID)) != audits {
		t.Errorf("a refused file was written: %d files (want %d), %d audit entries (want %d)", files(), before, len(audited(t, a, c.ID)), audits)
	}
}
