package zhitong

import "time"

// Region — 行政区划: a node of the five-level tree, coded by the canonical
// prefix form of the national division code (see internal/regions).
type Region struct {
	Code       string
	Name       string
	ParentCode string
	Level      int // 1 province … 4 township
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
	Demo       bool
}

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
	ID         int64
	Name       string
	Kind       string // department (县直部门) or township (乡镇政府)
	RegionCode string
	Demo       bool
}

// Category — 分类: what a case is about. Its default deadline drives assignment.
type Category struct {
	Code    string
	Name    string
	DueDays int // default working days to handle (办结时限)
	Group   string
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
