package app

import (
	"context"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// DutyReminders (值班提醒) tells each deputy on duty tomorrow (planned, at
// an active station): in-app to their account, or by SMS to their phone
// when they have none (deputy_notify.go). It is a step of the sweep. The
// notice's key is per deputy, duty and kind, so however often the sweep
// runs each duty is reminded once; a duty moved to another day is a new
// reminder. It returns how many outbox rows it wrote.
func (a *App) DutyReminders(ctx context.Context) (int, error) {
	tomorrow := a.today().AddDate(0, 0, 1).Format(time.DateOnly)
	duties, err := store.ListDuties(ctx, a.db, store.DutyFilter{Day: tomorrow, Status: zhitong.DutyPlanned})
	if err != nil {
		return 0, err
	}
	errs := &itemErrors{a: a, step: "duty-reminders"}
	added := 0
	stations := map[int64]zhitong.Station{}
	for _, d := range duties {
		err := a.db.Write(ctx, func(tx *store.Tx) error {
			st, ok := stations[d.StationID]
			if !ok {
				var err error
				if st, err = store.GetStation(ctx, tx, d.StationID); err != nil {
					return err
				}
				stations[d.StationID] = st
			}
			if st.Retired() {
				return nil
			}
			n, err := a.noticeDeputy(ctx, tx, d.DeputyID, Notice{
				Key:      dutyReminderKey(d),
				Template: "deputy.duty_reminder",
				Vars: map[string]string{"deputy": d.DeputyName, "station": st.Name, "day": d.Day,
					"address": st.Address, "hours": st.Hours, "phone": st.Phone},
			})
			added += n
			return err
		})
		if err != nil {
			errs.add("duty", d.ID, err)
		}
	}
	return added, errs.err()
}

// dutyReminderKey identifies one reminder: deputy, duty, day and kind.
func dutyReminderKey(d *zhitong.Duty) string {
	return "duty_reminder:deputy:" + strconv.FormatInt(d.DeputyID, 10) + ":duty:" + strconv.FormatInt(d.ID, 10) + ":" + d.Day
}
