package app_test

import (
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// TestReferencesOutsideTheJurisdictionAreRefused tries every reference a
// request can name — unit, region, station, deputy, bulletin — from the
// other county (or, for station staff, outside their station) and expects
// a refusal on the field, not only an existence check.
func TestReferencesOutsideTheJurisdictionAreRefused(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer, head, committee := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleStationHead], f.In[zhitong.RoleCommittee]
	submitted := func() *zhitong.Case { return submit(t, a, f, "建设路路灯不亮，夜间出行不便") }
	registered := func() *zhitong.Case {
		c := submitted()
		return testkit.Must(a.Register(ctx, officer, c.ID, app.RegisterInput{Version: c.Version, CategoryCode: "roads"}))(t)
	}
	// The other county's case and proposal.
	outCommittee := f.Out[zhitong.RoleCommittee]
	outCase := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "龙南市某村道路破损严重", StationID: f.OtherStation, Anonymous: true}))(t)
	outCase = testkit.Must(a.Register(ctx, outCommittee, outCase.ID, app.RegisterInput{CategoryCode: "roads"}))(t)
	outProposed := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "龙南市学校门口缺少减速带", StationID: f.OtherStation, Anonymous: true}))(t)
	outProposed = testkit.Must(a.Register(ctx, outCommittee, outProposed.ID, app.RegisterInput{CategoryCode: "roads"}))(t)
	testkit.Must(a.Propose(ctx, outCommittee, outProposed.ID, app.ProposeInput{Title: "关于学校周边交通安全的建议"}))(t)
	var outProposal int64
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT id FROM proposals WHERE region_code LIKE ?`, f.OtherCounty+"%").Scan(&outProposal))(t)
	for _, tc := range []struct {
		name, field string
		try         func() error
	}{
		{"assign: lead unit of another county", "lead_unit_id", func() error {
			c := registered()
			_, err := a.Assign(ctx, officer, c.ID, app.AssignInput{Version: c.Version, LeadUnit: f.OtherUnit})
			if err != nil {
				// …and that unit cannot read the case.
				if _, gerr := a.Get(ctx, f.Out[zhitong.RoleUnit], c.ID); gerr == nil {
					t.Error("the other county's unit reads the case")
				}
			}
			return err
		}},
		{"assign: co-handling unit of another county", "co_unit_ids", func() error {
			c := registered()
			_, err := a.Assign(ctx, officer, c.ID, app.AssignInput{Version: c.Version, LeadUnit: f.Lead, CoUnits: []int64{f.OtherUnit}})
			return err
		}},
		{"register: deputy of another county", "deputy_id", func() error {
			c := submitted()
			_, err := a.Register(ctx, officer, c.ID, app.RegisterInput{Version: c.Version, CategoryCode: "roads", DeputyID: f.OtherDeputy})
			return err
		}},
		{"register: region of another county", "region", func() error {
			c := submitted()
			_, err := a.Register(ctx, officer, c.ID, app.RegisterInput{Version: c.Version, CategoryCode: "roads", RegionCode: f.OtherCounty})
			return err
		}},
		{"register: station of another county", "station_id", func() error {
			c := submitted()
			_, err := a.Register(ctx, officer, c.ID, app.RegisterInput{Version: c.Version, CategoryCode: "roads", StationID: f.OtherStation})
			return err
		}},
		{"walk-in: station staff file into another county", "region", func() error {
			_, err := a.Intake(ctx, head, app.IntakeInput{Body: "村道路灯损坏，晚上出行不便", CategoryCode: "roads", RegionCode: f.OtherCounty, Anonymous: true})
			return err
		}},
		{"walk-in: station staff file outside their station's township", "region", func() error {
			_, err := a.Intake(ctx, head, app.IntakeInput{Body: "村道路灯损坏，晚上出行不便", CategoryCode: "roads", RegionCode: f.County, Anonymous: true})
			return err
		}},
		{"walk-in: deputy of another county", "deputy_id", func() error {
			_, err := a.Intake(ctx, officer, app.IntakeInput{Body: "村道路灯损坏，晚上出行不便", CategoryCode: "roads", StationID: f.Station,
				DeputyID: f.OtherDeputy, Anonymous: true})
			return err
		}},
		{"propose: unit of another county", "unit_id", func() error {
			c := registered()
			_, err := a.Propose(ctx, committee, c.ID, app.ProposeInput{Version: c.Version, Title: "关于路灯维护的建议", UnitID: f.OtherUnit})
			return err
		}},
		{"propose: deputy of another county", "deputy_id", func() error {
			c := registered()
			_, err := a.Propose(ctx, committee, c.ID, app.ProposeInput{Version: c.Version, Title: "关于路灯维护的建议", DeputyID: f.OtherDeputy})
			return err
		}},
		{"duty record: deputy of another county", "deputy_ids", func() error {
			_, err := a.CreateRecord(ctx, officer, app.RecordInput{Kind: zhitong.RecordReception, Day: a.Now().Format(time.DateOnly),
				StationID: f.Station, Visitors: 1, DeputyIDs: []int64{f.Deputy, f.OtherDeputy}})
			return err
		}},
		{"duty record: station of another county", "station_id", func() error {
			_, err := a.CreateRecord(ctx, officer, app.RecordInput{Kind: zhitong.RecordReception, Day: a.Now().Format(time.DateOnly),
				StationID: f.OtherStation, Visitors: 1, DeputyIDs: []int64{f.Deputy}})
			return err
		}},
		{"merge: into another county's case", "into_case_id", func() error {
			c := registered()
			_, err := a.Merge(ctx, officer, c.ID, app.MergeInput{Version: c.Version, Into: outCase.ID})
			return err
		}},
		{"propose: bundled into another county's proposal", "proposal_id", func() error {
			c := registered()
			_, err := a.Propose(ctx, committee, c.ID, app.ProposeInput{Version: c.Version, ProposalID: outProposal})
			return err
		}},
		{"proposal: handled by another county's unit", "unit_id", func() error {
			c := registered()
			testkit.Must(a.Propose(ctx, committee, c.ID, app.ProposeInput{Version: c.Version, Title: "关于路灯维护的建议"}))(t)
			var own int64
			testkit.Must(0, a.DB().QueryRow(ctx, `SELECT MAX(id) FROM proposals WHERE region_code LIKE ?`, f.County+"%").Scan(&own))(t)
			_, err := a.SetProposalUnit(ctx, committee, own, app.ProposalUnitInput{UnitID: f.OtherUnit, Reason: "调整承办单位"})
			return err
		}},
		{"duty record: a linked case of another county", "link_cases", func() error {
			_, err := a.CreateRecord(ctx, officer, app.RecordInput{Kind: zhitong.RecordMediation, Day: a.Now().Format(time.DateOnly),
				Title: "调解邻里纠纷", Result: "双方达成一致", DeputyIDs: []int64{f.Deputy}, LinkCases: []string{outCase.Code}})
			return err
		}},
		{"walk-in: a deputy names another deputy", "deputy_id", func() error {
			_, err := a.Intake(ctx, f.In[zhitong.RoleDeputy], app.IntakeInput{Body: "村道路灯损坏，晚上出行不便", CategoryCode: "roads", StationID: f.Station,
				DeputyID: f.OtherDeputy, Anonymous: true})
			return err
		}},
		{"station: a region of another county, even when the station keeps one", "regions", func() error {
			_, err := a.CreateStation(ctx, committee, app.StationInput{Name: "建设路联络站", Kind: "fixed", Region: f.Town, Regions: []string{f.OtherCounty}})
			return err
		}},
		{"appointment settings: another station in the body", "station_id", func() error {
			_, err := a.SetAppointmentSettings(ctx, committee, f.Station, zhitong.AppointmentSettings{StationID: f.OtherStation, Enabled: true,
				AMStart: "09:00", AMEnd: "12:00", PMStart: "14:30", PMEnd: "17:30", Capacity: 5, HorizonDays: 30})
			return err
		}},
		{"bulletin: another county's committee publishes this county's numbers", "", func() error {
			c := registered()
			testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{Version: c.Version, LeadUnit: f.Lead}))(t)
			now := a.Now()
			b := testkit.Must(a.GenerateBulletin(ctx, "monthly", now.AddDate(0, 0, -7), now.AddDate(0, 0, 1)))(t)
			_, err := a.PublishBulletin(ctx, f.Out[zhitong.RoleCommittee], b.ID)
			if err == nil {
				return nil
			}
			if zhitong.ErrorCode(err) != zhitong.EFORBIDDEN {
				t.Errorf("bulletin: %v, want forbidden", err)
			}
			// The county's own committee may.
			if _, err := a.PublishBulletin(ctx, committee, b.ID); err != nil {
				t.Errorf("own committee: %v", err)
			}
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.try()
			if err == nil {
				t.Fatal("accepted")
			}
			code := zhitong.ErrorCode(err)
			if code != zhitong.EINVALID && code != zhitong.EFORBIDDEN {
				t.Fatalf("%v: want invalid or forbidden", err)
			}
			if tc.field != "" && code == zhitong.EINVALID && zhitong.ErrorField(err) != tc.field {
				t.Errorf("%v: field %q, want %q", err, zhitong.ErrorField(err), tc.field)
			}
			if msg := zhitong.ErrorMessage(err); !strings.Contains(msg, "范围") && !strings.Contains(msg, "辖区") {
				t.Errorf("message %q does not say it is outside the jurisdiction", msg)
			}
			// …and never names the other county's object.
			for _, name := range []string{"龙南市交通运输局", "龙南联络站", "陈代表", "龙南市某村", "学校周边"} {
				if strings.Contains(zhitong.ErrorMessage(err), name) {
					t.Errorf("message %q names the other county's %s", zhitong.ErrorMessage(err), name)
				}
			}
		})
	}

	// The same references inside the jurisdiction are accepted.
	c := registered()
	testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{Version: c.Version, LeadUnit: f.Lead, CoUnits: []int64{f.Co}}))(t)
	testkit.Must(a.Intake(ctx, head, app.IntakeInput{Body: "村道路灯损坏，晚上出行不便", CategoryCode: "roads", RegionCode: f.Town, Anonymous: true}))(t)
}
