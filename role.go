package zhitong

import "strings"

// Role is what a staff account or API token may do. 等保 level 3 asks that
// the system administrator, security administrator and auditor (三员) be
// separate accounts, so none of the three can both act and cover it up.
type Role string

// Roles.
const (
	RoleCommittee   Role = "committee"    // 县人大常委会代表工委
	RoleStationHead Role = "station_head" // 站长
	RoleOfficer     Role = "officer"      // 联络员 / 人大干事
	RoleDeputy      Role = "deputy"       // 人大代表
	RoleUnit        Role = "unit"         // 承办单位经办人
	RoleAnalyst     Role = "analyst"      // 民意研判小组
	RoleAuditor     Role = "auditor"      // 安全审计员
	RoleSysAdmin    Role = "sysadmin"     // 系统管理员
	RoleSecAdmin    Role = "secadmin"     // 安全管理员
	RoleIntegration Role = "integration"  // 接口对接（12345、Open311）
)

// Roles lists every role with its Chinese name.
var Roles = []Named[Role]{
	{RoleCommittee, "代表工委"}, {RoleStationHead, "站长"}, {RoleOfficer, "联络员"},
	{RoleDeputy, "人大代表"}, {RoleUnit, "承办单位"}, {RoleAnalyst, "研判小组"},
	{RoleAuditor, "安全审计员"}, {RoleSysAdmin, "系统管理员"}, {RoleSecAdmin, "安全管理员"},
	{RoleIntegration, "接口对接"},
}

var (
	triagers = []Role{RoleCommittee, RoleStationHead, RoleOfficer}
	readers  = []Role{RoleCommittee, RoleStationHead, RoleOfficer, RoleDeputy, RoleUnit, RoleAnalyst, RoleAuditor, RoleIntegration}
)

// permissions says which roles may perform each action on a case in their jurisdiction.
var permissions = map[Action][]Role{
	ActionIntake:           {RoleCommittee, RoleStationHead, RoleOfficer, RoleDeputy, RoleIntegration},
	ActionRegister:         triagers,
	ActionAnswer:           {RoleCommittee, RoleStationHead, RoleOfficer, RoleDeputy},
	ActionAssign:           triagers,
	ActionPropose:          {RoleCommittee, RoleStationHead, RoleOfficer, RoleDeputy},
	ActionRefer:            triagers,
	ActionReferralResult:   triagers,
	ActionMerge:            triagers,
	ActionDecline:          triagers,
	ActionAccept:           {RoleUnit},
	ActionReturn:           {RoleUnit},
	ActionRequestExtension: {RoleUnit},
	ActionDecideExtension:  {RoleCommittee, RoleOfficer},
	ActionTransfer:         {RoleCommittee, RoleOfficer}, // not station staff (internal/levels)
	ActionReply:            {RoleUnit, RoleCommittee},
	ActionDeliver:          {RoleUnit, RoleCommittee, RoleStationHead, RoleOfficer},
	ActionCallback:         triagers,
	ActionRehandle:         {RoleCommittee, RoleOfficer},
	ActionExplain:          {RoleCommittee, RoleOfficer},
	ActionClose:            triagers,
	ActionArchive:          triagers,
	ActionSupervise:        {RoleCommittee, RoleOfficer},
	ActionReveal:           triagers,
	ActionRevealPhone:      {RoleUnit}, // the lead unit only, while its assignment is current (app.RevealPhone)
	ActionCoOpinion:        {RoleUnit}, // a co-handling unit only (app.SubmitCoOpinion)
	ActionView:             readers,
}

// Principal is who is acting: a logged-in user or an API token, with the
// jurisdiction their role is scoped to.
type Principal struct {
	UserID     int64
	TokenID    int64
	Name       string
	Role       Role
	RegionCode string // canonical prefix; "" is the whole country
	StationID  int64
	UnitID     int64
	DeputyID   int64
	// MustChangePassword: a signed-in user who must choose their own
	// password before doing anything else (see EMUSTCHANGE).
	MustChangePassword bool
}

// Citizen is the principal for an anonymous citizen acting with a tracking code.
var Citizen = Principal{Name: "群众"}

// Scope is what decides whether a case lies in someone's jurisdiction.
type Scope struct {
	RegionCode string
	StationID  int64
	DeputyID   int64
	UnitIDs    []int64 // every unit the case was ever assigned to
	// HeldBy is the region code of the organisation a case was moved to
	// (移交上级/下级人大, internal/levels); "" when it was never moved.
	HeldBy string
}

// May reports whether the principal's role allows action a at all.
func (p Principal) May(a Action) bool {
	for _, r := range permissions[a] {
		if r == p.Role {
			return true
		}
	}
	return false
}

// Sees reports whether a case with scope s lies in the principal's jurisdiction.
// A unit sees what was assigned to it, a deputy what they took in, a station
// role its station, everyone else their region subtree.
func (p Principal) Sees(s Scope) bool {
	switch {
	case p.Role == RoleUnit:
		for _, id := range s.UnitIDs {
			if id == p.UnitID {
				return true
			}
		}
		return false
	case p.Role == RoleDeputy:
		return p.DeputyID != 0 && s.DeputyID == p.DeputyID
	case p.StationID != 0:
		return s.StationID == p.StationID
	default:
		return strings.HasPrefix(s.RegionCode, p.RegionCode)
	}
}

// Authorize returns nil when p may perform a on a case with scope s, an
// EFORBIDDEN error otherwise. It says nothing of the case's status.
func (p Principal) Authorize(a Action, s Scope) error {
	if !p.May(a) {
		return Errorf(EFORBIDDEN, "您的角色（%s）无权执行“%s”", Label(Roles, p.Role), Label(ActionLabels, a))
	}
	if !p.Sees(s) {
		return Errorf(EFORBIDDEN, "该案件不在您的管辖范围内")
	}
	if a != ActionView && !p.Holds(s) {
		return Errorf(EFORBIDDEN, "该案件已移交其他层级人大常委会办理，您只能查看")
	}
	return nil
}

// Holds reports whether the principal may act on (not only read) a case
// with scope s: a case moved to another level's organisation (HeldBy) is
// acted on by that organisation's staff and those above it; the staff of
// the level it left keep reading it. Units and deputies act on what was
// given to them and are not bound by it.
func (p Principal) Holds(s Scope) bool {
	switch p.Role {
	case RoleCommittee, RoleStationHead, RoleOfficer:
		return s.HeldBy == "" || strings.HasPrefix(s.HeldBy, p.RegionCode)
	}
	return true
}

// Staff reports whether the principal is a signed-in user or token, not a citizen.
func (p Principal) Staff() bool { return p.Role != "" }
