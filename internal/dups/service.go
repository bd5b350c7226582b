package dups

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// Bounds of the candidate query (docs/duplicates.md "What it costs").
const (
	// Window is how far back candidates go.
	Window = 8 * 7 * 24 * time.Hour
	// MaxCandidates bounds the rows read per look-up: the newest cases of
	// the area in the window. Scoring one candidate costs a few µs.
	MaxCandidates = 300
	// MaxShown is how many likely duplicates are returned.
	MaxShown = 5
	// AreaDigits is the length of a township code (县 6 + 乡镇 3): a case
	// in a village is compared with the cases of its whole township.
	AreaDigits = 9
)

// Service finds likely duplicate cases.
type Service struct{ app *app.App }

// New returns the service over a.
func New(a *app.App) *Service { return &Service{app: a} }

// Draft is a case being written: at intake, before it is stored. Category
// and station are optional; when given they weigh the candidates (Adjust).
type Draft struct {
	Region   string `json:"region"`
	Title    string `json:"title"`
	Body     string `json:"body"`
	Category string `json:"category,omitempty"`
	Station  int64  `json:"station_id,omitempty"`
}

// Match is a likely duplicate as staff see it.
type Match struct {
	ID          int64          `json:"id"`
	Code        string         `json:"code"`
	Title       string         `json:"title"`
	Status      zhitong.Status `json:"status"`
	StatusLabel string         `json:"status_label"`
	Region      string         `json:"region"`
	RegionName  string         `json:"region_name"`
	SubmittedAt time.Time      `json:"submitted_at"`
	Score       float64        `json:"score"`
}

// PublicMatch is a likely duplicate as a citizen sees it: no personal
// data, the title only when staff confirmed it for the results board.
type PublicMatch struct {
	Title       string  `json:"title,omitempty"`
	StatusLabel string  `json:"status_label"`
	RegionName  string  `json:"region_name"`
	SubmittedOn string  `json:"submitted_on"`
	Score       float64 `json:"score"`
	// Running: still being handled; otherwise StatusLabel says how it
	// ended (已答复, 已评价, 已办结…).
	Running bool `json:"running"`
	// ResultsURL is the public results board of its township, where its
	// reply is published (only for a published case).
	ResultsURL string `json:"results_url,omitempty"`
}

type candidate struct {
	Match
	body      string
	sig       Signals
	published string
}

// Area returns the area a region code is compared within: its township.
func Area(region string) string {
	if len(region) > AreaDigits {
		return region[:AreaDigits]
	}
	return region
}

// codeRange is the index range of the region codes under prefix (codes
// are digits only, so "3607" ≤ code < "3608" is exactly the subtree).
func codeRange(prefix string) (lo, hi string) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < '9' {
			b[i]++
			return prefix, string(b[:i+1])
		}
	}
	return prefix, "~"
}

// pool is what a look-up scores against: the candidates, the gazetteer of
// their area and the category groups.
type pool struct {
	cs     []candidate
	gaz    Gazetteer
	groups map[string]string
}

// MaxGazetteer bounds the place names read for an area (a township has
// tens of villages and communities, a county a few hundred).
const MaxGazetteer = 2000

// pool reads the candidates of the area (candidates) and, when there are
// any, the names of the regions under the area and the category groups:
// two more small reads, by primary key range and of a table of tens of rows.
func (s *Service) pool(ctx context.Context, area, scope string, station, except int64, public bool) (*pool, error) {
	pl := &pool{}
	if area = clip(area, scope); area == "" {
		return pl, nil
	}
	var err error
	if pl.cs, err = s.candidates(ctx, area, station, except, public); err != nil || len(pl.cs) == 0 {
		return pl, err
	}
	lo, hi := codeRange(area)
	rows, err := s.app.DB().Query(ctx, fmt.Sprintf(`SELECT name FROM regions WHERE code > ? AND code < ? LIMIT %d`, MaxGazetteer), lo, hi)
	if err != nil {
		return nil, fmt.Errorf("duplicate gazetteer: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("duplicate gazetteer: %w", err)
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("duplicate gazetteer: %w", err)
	}
	pl.gaz = NewGazetteer(names)
	pl.groups, err = s.groups(ctx)
	return pl, err
}

// groups maps category codes to their groups.
func (s *Service) groups(ctx context.Context) (map[string]string, error) {
	rows, err := s.app.DB().Query(ctx, `SELECT code, grp FROM categories`)
	if err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var c, g string
		if err := rows.Scan(&c, &g); err != nil {
			return nil, fmt.Errorf("categories: %w", err)
		}
		m[c] = g
	}
	return m, rows.Err()
}

// clip intersects the area with scope (a region prefix): "" when they do
// not meet.
func clip(area, scope string) string {
	switch {
	case strings.HasPrefix(area, scope):
		return area
	case strings.HasPrefix(scope, area):
		return scope
	}
	return ""
}

// candidates reads the newest cases of the area submitted in the window,
// except one id.
func (s *Service) candidates(ctx context.Context, area string, station, except int64, public bool) ([]candidate, error) {
	since := store.FormatTime(s.app.Clock().Now().Add(-Window))
	// A township (AreaDigits) is one key of cases_search_area (migration
	// 098), newest first: the look-up stops after MaxCandidates rows. Any
	// other area is a range of cases_region, sorted.
	inArea, areaArgs := `c.region_code >= ? AND c.region_code < ?`, []any{}
	if len(area) == AreaDigits {
		inArea, areaArgs = fmt.Sprintf(`substr(c.region_code, 1, %d) = ?`, AreaDigits), []any{area}
	} else {
		lo, hi := codeRange(area)
		areaArgs = []any{lo, hi}
	}
	q := `SELECT c.id, c.code, c.title, c.body, c.status, c.region_code, c.submitted_at, COALESCE(c.station_id, 0),
 COALESCE(r.name, ''), COALESCE(pub.title, ''), COALESCE(c.category_code, '')
 FROM cases c LEFT JOIN regions r ON r.code = c.region_code LEFT JOIN publications pub ON pub.case_id = c.id
 WHERE ` + inArea + ` AND c.submitted_at >= ? AND c.status <> ? AND c.id <> ?`
	args := append(areaArgs, since, string(zhitong.StatusMerged), except)
	if public {
		q += ` AND c.status <> ?`
		args = append(args, string(zhitong.StatusDeclined))
	}
	if station != 0 {
		q += ` AND c.station_id = ?`
		args = append(args, station)
	}
	q += fmt.Sprintf(` ORDER BY c.submitted_at DESC LIMIT %d`, MaxCandidates)
	rows, err := s.app.DB().Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("duplicate candidates: %w", err)
	}
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		var c candidate
		var submitted string
		if err := rows.Scan(&c.ID, &c.Code, &c.Title, &c.body, &c.Status, &c.Region, &submitted, &c.sig.Station, &c.RegionName, &c.published, &c.sig.Category); err != nil {
			return nil, fmt.Errorf("duplicate candidates: %w", err)
		}
		c.SubmittedAt = store.ParseTime(submitted)
		c.StatusLabel = zhitong.Label(zhitong.Statuses, c.Status)
		c.sig.Region = c.Region
		out = append(out, c)
	}
	return out, rows.Err()
}

// rank scores the candidates against text and its signals (the area's
// gazetteer names as places, then Adjust) and keeps those at or above
// Threshold, best first, at most MaxShown.
func rank(text string, sig Signals, pl *pool) []candidate {
	fp := PrintIn(text, pl.gaz)
	sig.Group = pl.groups[sig.Category]
	var out []candidate
	for _, c := range pl.cs {
		c.sig.Group = pl.groups[c.sig.Category]
		c.Score = Adjust(Score(fp, PrintIn(c.Title+"\n"+c.body, pl.gaz)), sig, c.sig)
		if c.Score >= Threshold {
			c.Score = float64(int(c.Score*100+0.5)) / 100
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b candidate) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return b.SubmittedAt.Compare(a.SubmittedAt)
	})
	if len(out) > MaxShown {
		out = out[:MaxShown]
	}
	return out
}

// mayMerge refuses staff who cannot merge: only they are shown duplicates.
func mayMerge(p zhitong.Principal) error {
	if !p.Staff() || !p.May(zhitong.ActionMerge) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色无权查看疑似重复案件")
	}
	return nil
}

func matches(cs []candidate) []Match {
	out := make([]Match, len(cs))
	for i, c := range cs {
		out[i] = c.Match
	}
	return out
}

// ForCase returns the likely duplicates of a stored case within the
// caller's jurisdiction. The case itself is checked as on its page.
func (s *Service) ForCase(ctx context.Context, p zhitong.Principal, id int64) ([]Match, error) {
	v, err := s.app.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := mayMerge(p); err != nil {
		return nil, err
	}
	pl, err := s.pool(ctx, Area(v.Region), p.RegionCode, p.StationID, id, false)
	if err != nil {
		return nil, err
	}
	return matches(rank(v.Title+"\n"+v.Body, Signals{Region: v.Region, Category: v.Category, Station: v.StationID}, pl)), nil
}

// ForDraft returns the likely duplicates of a case being taken in by
// staff (walk-in form, API) within the caller's jurisdiction.
func (s *Service) ForDraft(ctx context.Context, p zhitong.Principal, d Draft) ([]Match, error) {
	if err := mayMerge(p); err != nil {
		return nil, err
	}
	if err := checkDraft(d); err != nil {
		return nil, err
	}
	if _, err := s.app.CheckRegionRef(ctx, s.app.DB(), p, "region", d.Region); err != nil {
		return nil, err
	}
	if d.Station != 0 {
		if _, err := s.app.CheckStationRef(ctx, s.app.DB(), p, "station_id", d.Station); err != nil {
			return nil, err
		}
	}
	pl, err := s.pool(ctx, Area(d.Region), p.RegionCode, p.StationID, 0, false)
	if err != nil {
		return nil, err
	}
	return matches(rank(d.Title+"\n"+d.Body, d.signals(), pl)), nil
}

// Public returns what a citizen writing on the portal is told: similar
// issues of the same area already being handled, without personal data.
func (s *Service) Public(ctx context.Context, d Draft) ([]PublicMatch, error) {
	return s.public(ctx, d, 0)
}

// ForSubmitted returns what a citizen is told after submitting c: the
// similar issues of its area already being handled, c itself left out.
func (s *Service) ForSubmitted(ctx context.Context, c *zhitong.Case) ([]PublicMatch, error) {
	return s.public(ctx, Draft{Region: c.RegionCode, Title: c.Title, Body: c.Body, Category: c.CategoryCode, Station: c.StationID}, c.ID)
}

func (s *Service) public(ctx context.Context, d Draft, except int64) ([]PublicMatch, error) {
	if err := checkDraft(d); err != nil {
		return nil, err
	}
	if _, err := s.app.CheckRegionRef(ctx, s.app.DB(), zhitong.Citizen, "region", d.Region); err != nil {
		return nil, err
	}
	if d.Station != 0 {
		if _, err := s.app.PublicStation(ctx, d.Station); err != nil {
			return nil, zhitong.Invalid("station_id", "请选择联络站")
		}
	}
	pl, err := s.pool(ctx, Area(d.Region), "", 0, except, true)
	if err != nil {
		return nil, err
	}
	ranked := rank(d.Title+"\n"+d.Body, d.signals(), pl)
	out := make([]PublicMatch, len(ranked))
	for i, c := range ranked {
		out[i] = PublicMatch{Title: c.published, StatusLabel: c.StatusLabel, RegionName: c.RegionName,
			SubmittedOn: c.SubmittedAt.In(zhitong.China).Format(time.DateOnly), Score: c.Score, Running: c.Status.Running()}
		if c.published != "" {
			out[i].ResultsURL = "/results?town=" + c.Region[:min(len(c.Region), 9)]
		}
	}
	return out, nil
}

// ForIntake returns the likely duplicates of a case p just took in, for
// the answer of the intake (API, walk-in desk): the merging roles' list,
// nothing for the other roles (they cannot act on it).
func (s *Service) ForIntake(ctx context.Context, p zhitong.Principal, id int64) ([]Match, error) {
	if mayMerge(p) != nil {
		return []Match{}, nil
	}
	m, err := s.ForCase(ctx, p, id)
	if m == nil {
		m = []Match{}
	}
	return m, err
}

// signals are the draft's structured signals.
func (d Draft) signals() Signals {
	return Signals{Region: d.Region, Category: d.Category, Station: d.Station}
}

// checkDraft bounds a draft: a region code of digits, text of a case's
// size, a category code of a code's size (an unknown one weighs nothing).
func checkDraft(d Draft) error {
	if len(d.Category) > 64 {
		return zhitong.Invalid("category", "问题类别无效")
	}
	if d.Station < 0 {
		return zhitong.Invalid("station_id", "请选择联络站")
	}
	if d.Region == "" || len(d.Region) > 12 || strings.Trim(d.Region, "0123456789") != "" {
		return zhitong.Invalid("region", "请选择所在地区")
	}
	if len(d.Title)+len(d.Body) > 20000 {
		return zhitong.Invalid("body", "内容过长")
	}
	if strings.TrimSpace(d.Title+d.Body) == "" {
		return zhitong.Invalid("body", "请填写诉求内容")
	}
	return nil
}

// PublicNotice is what a citizen is told when similar issues are found.
const PublicNotice = "同一乡镇已有类似问题（办理状态见列表），您仍可提交"

// Notice is the message for n similar issues: PublicNotice, or "" for none.
func Notice(n int) string {
	if n == 0 {
		return ""
	}
	return PublicNotice
}
