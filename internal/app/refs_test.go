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
		})
	}

	// The same references inside the jurisdiction are accepted.
	c := registered()
	testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{Version: c.Version, LeadUnit: f.Lead, CoUnits: []int64{f.Co}}))(t)
	testkit.Must(a.Intake(ctx, head, app.IntakeInput{Body: "村道路灯损坏，晚上出行不便", CategoryCode: "roads", RegionCode: f.Town, Anonymous: true}))(t)
}
