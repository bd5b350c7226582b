package app

import (
	"context"
	"fmt"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// BackupStale is how old the last `zhitong backup` may be before the system
// administrator's home page warns: backups run daily (docs/operations.md).
const BackupStale = 24 * time.Hour

// SystemStatus is the system administrator's home page: the health of the
// background work, the last backup and the calendar's last loaded year.
type SystemStatus struct {
	Health       *Health
	Backup       store.BackupRecord
	BackupStale  bool // never, or older than BackupStale
	CalendarLast int  // the latest year with an official schedule
	NextYearDue  bool // it is November or later and next year is not loaded
	// Warnings are the health warnings and the two above, in words.
	Warnings []string
}

// SystemStatus reports what the system administrator watches.
func (a *App) SystemStatus(ctx context.Context, p zhitong.Principal) (*SystemStatus, error) {
	if p.Role != zhitong.RoleSysAdmin {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "只有系统管理员可以查看系统运行状态")
	}
	h, err := a.Health(ctx, p)
	if err != nil {
		return nil, err
	}
	s := &SystemStatus{Health: h}
	if s.Backup, err = store.LastBackup(ctx, a.db); err != nil {
		return nil, err
	}
	now := a.clock.Now()
	s.BackupStale = s.Backup.At.IsZero() || now.Sub(s.Backup.At) > BackupStale
	if ys := a.cal.Load().Years(); len(ys) > 0 {
		s.CalendarLast = ys[len(ys)-1]
	}
	today := a.today()
	s.NextYearDue = today.Month() >= time.November && s.CalendarLast <= today.Year()
	s.Warnings = append(s.Warnings, h.Warnings...)
	switch {
	case s.Backup.At.IsZero():
		s.Warnings = append(s.Warnings, "还没有备份过数据库")
	case s.BackupStale:
		s.Warnings = append(s.Warnings, "上次备份已超过一天")
	}
	if s.NextYearDue {
		s.Warnings = append(s.Warnings, fmt.Sprintf("请导入国务院公布的 %d 年节假日安排", today.Year()+1))
	}
	return s, nil
}
