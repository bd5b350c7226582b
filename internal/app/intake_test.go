package app_test

import (
	"os"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

func countCases(t *testing.T, a *app.App) int {
	t.Helper()
	var n int
	if err := a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestIntakeRejectsBadInputAndWritesNothing(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	ok := app.IntakeInput{Body: "小区门口的路面坑洼不平", RegionCode: f.Town}
	tests := []struct {
		name  string
		edit  func(in *app.IntakeInput)
		field string
	}{
		{"empty body", func(in *app.IntakeInput) { in.Body = "  " }, "body"},
		{"short body", func(in *app.IntakeInput) { in.Body = "路坏" }, "body"},
		{"long body", func(in *app.IntakeInput) { in.Body = strings.Repeat("路", 5001) }, "body"},
		{"bad phone", func(in *app.IntakeInput) { in.Phone = "12345" }, "phone"},
		{"landline without area code", func(in *app.IntakeInput) { in.Phone = "4281234" }, "phone"},
		{"bad id checksum", func(in *app.IntakeInput) { in.IDCard = "360728199001011235" }, "id_card"},
		{"anonymous with phone", func(in *app.IntakeInput) { in.Anonymous, in.Phone = true, "13907971234" }, "anonymous"},
		{"unknown region", func(in *app.IntakeInput) { in.RegionCode = "999999" }, "region"},
		{"no region", func(in *app.IntakeInput) { in.RegionCode = "" }, "region"},
		{"unknown station", func(in *app.IntakeInput) { in.StationID = 9999 }, "station_id"},
		{"unknown category", func(in *app.IntakeInput) { in.CategoryCode = "nope" }, "category"},
		{"latitude", func(in *app.IntakeInput) { in.Lat = 91 }, "lat"},
		{"answer online", func(in *app.IntakeInput) { in.Answer = "已解答" }, "answer"},
	}
	before := countCases(t, a)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			tt.edit(&in)
			_, err := a.Submit(ctx, zhitong.Citizen, in)
			testkit.WantCode(t, err, zhitong.EINVALID)
			if got := zhitong.ErrorField(err); got != tt.field {
				t.Errorf("field = %q, want %q (%v)", got, tt.field, err)
			}
			if zhitong.ErrorMessage(err) == "" {
				t.Error("no message for people")
			}
		})
	}
	if after := countCases(t, a); after != before {
		t.Fatalf("%d cases written by rejected input", after-before)
	}
	// Staff intake needs a category and refuses the online channel.
	_, err := a.Intake(ctx, f.In[zhitong.RoleOfficer], app.IntakeInput{Body: "路面坑洼不平", StationID: f.Station})
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.Intake(ctx, f.In[zhitong.RoleAnalyst], app.IntakeInput{Body: "路面坑洼不平", StationID: f.Station, CategoryCode: "roads"})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
}

func TestIntakeThroughEveryChannel(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer := f.In[zhitong.RoleOfficer]
	for _, ch := range []zhitong.Channel{zhitong.ChannelWalkIn, zhitong.ChannelAppointment, zhitong.ChannelBox, zhitong.ChannelMobile, zhitong.ChannelSurvey, zhitong.ChannelImported} {
		c := testkit.Must(a.Intake(ctx, officer, app.IntakeInput{Channel: ch, Body: "渠道测试：路面破损需要修补", CategoryCode: "roads", StationID: f.Station, Anonymous: true}))(t)
		if c.Channel != ch || c.Status != zhitong.StatusRegistered {
			t.Errorf("%s: %s/%s", ch, c.Channel, c.Status)
		}
	}
	online := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "网上提交：路面破损需要修补", RegionCode: f.Town, Anonymous: true}))(t)
	if online.Channel != zhitong.ChannelOnline || online.Status != zhitong.StatusSubmitted {
		t.Errorf("online: %s/%s", online.Channel, online.Status)
	}
	if _, ok := app.NormalizeCode(strings.ToLower(strings.ReplaceAll(online.Code, "-", " "))); !ok {
		t.Errorf("tracking code %q does not normalise back", online.Code)
	}
	// An integration importing the same external id twice gets the same case.
	tok := zhitong.Principal{TokenID: 1, Name: "12345热线", Role: zhitong.RoleIntegration, RegionCode: f.County}
	in := app.IntakeInput{Body: "热线转来：路灯不亮", RegionCode: f.Town, ExternalID: "12345-2026-0001", Anonymous: true}
	first := testkit.Must(a.Submit(ctx, tok, in))(t)
	again := testkit.Must(a.Submit(ctx, tok, in))(t)
	if first.ID != again.ID || first.Channel != zhitong.ChannelImported {
		t.Fatalf("re-import: %d/%d channel %s", first.ID, again.ID, first.Channel)
	}
}

func TestTrackingCodesAreUnguessable(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	seen := map[string]bool{}
	for range 50 {
		c := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "查询码测试：路面破损", RegionCode: f.Town, Anonymous: true}))(t)
		if len(c.Code) != 14 || seen[c.Code] || strings.ContainsAny(c.Code, "01ILO") {
			t.Fatalf("bad or repeated tracking code %q", c.Code)
		}
		seen[c.Code] = true
	}
	_, err := a.Track(ctx, "2222-2222-2222")
	testkit.WantCode(t, err, zhitong.ENOTFOUND)
	_, err = a.Track(ctx, "'; DROP TABLE cases; --")
	testkit.WantCode(t, err, zhitong.ENOTFOUND)
}

// TestNoPlaintextPersonalDataAtRest reads the raw database and finds neither
// the phone number nor the name nor the ID-card number a citizen gave.
func TestNoPlaintextPersonalDataAtRest(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	const phone, id, name = "13907975678", "360728199001011236", "欧阳娜娜"
	c := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "家门口的排水沟堵了", RegionCode: f.Town, Name: name, Phone: phone, IDCard: id, Address: "历市镇胜利路18号"}))(t)
	var dump strings.Builder
	if testkit.Postgres() {
		rows, err := a.DB().Query(ctx, `SELECT t::text FROM cases t UNION ALL SELECT t::text FROM audit_log t UNION ALL SELECT t::text FROM case_events t`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			dump.WriteString(s)
		}
		rows.Close()
	} else {
		for _, suffix := range []string{"", "-wal"} {
			b, err := os.ReadFile(a.DB().Path + suffix)
			if err != nil && suffix == "" {
				t.Fatal(err)
			}
			dump.Write(b)
		}
	}
	if dump.Len() < 300 {
		t.Fatalf("read only %d bytes of the database", dump.Len())
	}
	for _, secret := range []string{phone, id, name, "胜利路18号"} {
		if strings.Contains(dump.String(), secret) {
			t.Errorf("%q stored in plaintext", secret)
		}
	}
	// Still usable: masked for staff, findable by phone, revealable with a reason.
	committee := f.In[zhitong.RoleCommittee]
	list, _ := testkit.Must2(a.List(ctx, committee, app.ListInput{Phone: "139-0797-5678"}))(t)
	if len(list) != 1 || list[0].ID != c.ID || list[0].Submitter != "欧***" {
		t.Fatalf("lookup by phone: %+v", list)
	}
	sub := testkit.Must(a.Reveal(ctx, f.In[zhitong.RoleOfficer], c.ID, "回访需要核对身份"))(t)
	if sub.Phone != phone || sub.IDCard != id || sub.Name != name {
		t.Fatalf("reveal: %+v", sub)
	}
	_, err := a.Reveal(ctx, f.In[zhitong.RoleAnalyst], c.ID, "想看看")
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	entries, err := a.Audit(ctx, f.In[zhitong.RoleAuditor], storeQuery("case:"+itoa(c.ID)))
	if err != nil {
		t.Fatal(err)
	}
	var reveals int
	for _, e := range entries {
		if e.Action == "case.reveal" && strings.Contains(e.Detail, "回访需要核对身份") {
			reveals++
		}
	}
	if reveals != 1 {
		t.Fatalf("%d audited reveals, want 1", reveals)
	}
}

func TestDeputyIntakeStaysInTheirRegion(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	deputy := f.In[zhitong.RoleDeputy]
	c := testkit.Must(a.Intake(ctx, deputy, app.IntakeInput{Body: "村里的路灯坏了很久，晚上看不见路", CategoryCode: "roads", StationID: f.Station}))(t)
	if c.DeputyID != deputy.DeputyID {
		t.Errorf("deputy's intake recorded for deputy %d, want %d", c.DeputyID, deputy.DeputyID)
	}
	_, err := a.Intake(ctx, deputy, app.IntakeInput{Body: "龙南的路灯也坏了很久，晚上看不见路", CategoryCode: "roads", StationID: f.OtherStation})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
}
