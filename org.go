package zhitong

import "time"

// Region — 行政区划: a node of the five-level tree, coded by the canonical
// prefix form of the national division code (see internal/regions).
type Region struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	ParentCode string `json:"parent_code"`
	Level      int    `json:"level"` // 1 province … 4 township, 5 a community or village added locally
	// Kind is "" for a division of the national data, else what staff
	// added (docs/admin.md): industrial_park 工业园区, development_zone 开发区,
	// community 社区, village 村.
	Kind string `json:"kind"`
	// RetiredAt is when the region was retired (停用): no longer offered
	// in forms, still named on the cases and stations that refer to it.
	RetiredAt time.Time `json:"retired_at,omitzero"`
}

// Station — 人大代表联络站 / 代表之家.
type Station struct {
	ID         int64
	Name       string
	RegionCode string
	Kind       string // fixed, mobile, cross_border
	Address    string
	Hours      string
	Theme      string // 一站一品
	Lat, Lng   float64
	Phone      string // public phone number, landline or mobile (normalised)
	// RetiredAt is when the station was retired (撤销); zero while it is
	// active. A retired station is never deleted: cases keep pointing at it.
	RetiredAt time.Time
	Demo      bool
}

// Retired reports whether the station was retired.
func (s Station) Retired() bool { return !s.RetiredAt.IsZero() }

// Deputy — 人大代表: an elected deputy at one or more of the five levels.
type Deputy struct {
	ID           int64
	Name         string
	Levels       []string // national, province, city, county, township
	RegionCode   string
	Constituency string // 原选区
	StationID    int64
	Pledge       string // 履职承诺
	Demo         bool
}

// Unit — 承办单位: a government department or township that handles cases.
type Unit struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Kind       string `json:"kind"` // department (县直部门) or township (乡镇政府)
	RegionCode string `json:"region_code"`
	ParentID   int64  `json:"parent_id,omitempty"` // the department it belongs to (上级部门), 0 if none
	Contact    string `json:"contact"`             // contact person (联系人)
	// RetiredAt is when the unit was retired: no longer offered in assign
	// forms, still named on past cases.
	RetiredAt time.Time `json:"retired_at,omitzero"`
	Demo      bool      `json:"demo"`
}

// Category — 分类: what a case is about. Its default deadline drives assignment.
type Category struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	DueDays int    `json:"due_days"` // default working days to handle (办结时限)
	Group   string `json:"group"`
	// RetiredAt is when the category was retired: not offered at intake,
	// still named on past cases.
	RetiredAt time.Time `json:"retired_at,omitzero"`
}

// User is a staff account.
type User struct {
	ID           int64
	Username     string
	DisplayName  string
	Role         Role
	RegionCode   string
	StationID    int64
	UnitID       int64
	DeputyID     int64
	PasswordHash string
	FailedLogins int
	LockedUntil  time.Time
	Disabled     bool
	CreatedAt    time.Time
	// MustChangePassword is set when someone else chose the password
	// (zhitong init, a reset): the user must choose their own at sign-in.
	MustChangePassword bool
	// SessionEpoch counts the events that end all of the user's sessions
	// (disabled, password changed or reset); a session signed in under an
	// older epoch is no longer valid.
	SessionEpoch int64
}

// Locked reports whether repeated failed sign-ins lock the account at now.
func (u *User) Locked(now time.Time) bool { return now.Before(u.LockedUntil) }

// Principal returns who the user acts as.
func (u *User) Principal() Principal {
	return Principal{UserID: u.ID, Name: u.DisplayName, Role: u.Role, RegionCode: u.RegionCode,
		StationID: u.StationID, UnitID: u.UnitID, DeputyID: u.DeputyID, MustChangePassword: u.MustChangePassword}
}

// Token is an API token for an integration (12345, Open311 clients).
type Token struct {
	ID         int64
	Name       string
	Role       Role
	RegionCode string
	CreatedAt  time.Time
	// LastUsedAt is when the token last authenticated a request, to the
	// minute (zero: never).
	LastUsedAt time.Time
	Revoked    bool
	RevokedAt  time.Time
}
