package app

import (
	"context"
	"time"

	"zhitong"
	"zhitong/internal/mask"
	"zhitong/internal/store"
)

// Public reads for the citizen portal: no principal, no personal data.

// PublicStation returns a station for its public bulletin board (公示栏).
func (a *App) PublicStation(ctx context.Context, id int64) (zhitong.Station, error) {
	return store.GetStation(ctx, a.db, id)
}

// StationDeputies lists the deputies assigned to a station. Public, as on its board.
func (a *App) StationDeputies(ctx context.Context, stationID int64) ([]zhitong.Deputy, error) {
	return store.ListStationDeputies(ctx, a.db, stationID)
}

// CheckSubmission validates a citizen's submission without storing it, so a
// form can show the first problem with the input next to the others it found.
func (a *App) CheckSubmission(ctx context.Context, in IntakeInput) error {
	in.Channel = zhitong.ChannelOnline
	return a.validateIntake(ctx, &in)
}

// PublicResult is a replied case on the public results board (办理公示):
// what was raised and what was done, with no names, phone numbers or reply text.
type PublicResult struct {
	Title        string          `json:"title"`
	Category     string          `json:"category,omitempty"`
	Region       string          `json:"region,omitempty"`
	Station      string          `json:"station,omitempty"`
	Outcome      zhitong.Outcome `json:"outcome"`
	OutcomeLabel string          `json:"outcome_label"`
	Unit         string          `json:"unit,omitempty"`
	Summary      string          `json:"summary,omitempty"` // what was done, as the unit summarised it for the public
	RepliedAt    time.Time       `json:"replied_at"`
	// After is, on a page's last row, the opaque cursor of the page after
	// it (ResultsInput.After): sealed, so it does not show the case id.
	After string `json:"-"`
}

// ResultsInput filters and pages the results board.
type ResultsInput struct {
	Region   string // a region subtree, usually a township
	Category string
	Outcome  zhitong.Outcome
	Station  int64
	Page     int // from 1
	PerPage  int
	After    string // a cursor (PublicResult.After): the page after that row, whatever Page says
	// NoCount skips the count (PublicResults' total is then 0): the caller
	// keeps it (PublicResultsCount) or shows none.
	NoCount bool
}

// resultsCursor is the sealing context of the results board's cursors.
const resultsCursor = "results:cursor"

// PublicResultsCount counts the results board's rows in's filters select,
// up to store.PublicCountCap+1 (its page and cursor do not matter).
func (a *App) PublicResultsCount(ctx context.Context, in ResultsInput) (int, error) {
	if err := checkOutcome(in.Outcome); err != nil {
		return 0, err
	}
	return store.CountPublicResults(ctx, a.db, store.ResultFilter{Region: in.Region, Category: in.Category, Outcome: string(in.Outcome), StationID: in.Station})
}

func checkOutcome(o zhitong.Outcome) error {
	if o != "" && !zhitong.Valid(zhitong.Outcomes, o) {
		return zhitong.Invalid("outcome", "办理结果分类应为 A、B、C 或 D")
	}
	return nil
}

// PublicResults returns one page of the results board, newest reply first,
// and the total (PublicResultsCount; 0 with in.NoCount).
func (a *App) PublicResults(ctx context.Context, in ResultsInput) ([]PublicResult, int, error) {
	if err := checkOutcome(in.Outcome); err != nil {
		return nil, 0, err
	}
	if in.PerPage <= 0 {
		in.PerPage = 20
	}
	if in.PerPage > 100 {
		return nil, 0, zhitong.Invalid("per_page", "每页最多 100 条")
	}
	if in.Page <= 0 {
		in.Page = 1
	}
	// The board counts up to store.PublicCountCap, and its pages stop there.
	if last := max(store.PublicCountCap/in.PerPage, 1); in.Page > last {
		return nil, 0, zhitong.Invalid("page", "页码超出范围：最多第 %d 页，请按镇街、类别或结果筛选", last)
	}
	f := store.ResultFilter{Region: in.Region, Category: in.Category, Outcome: string(in.Outcome), StationID: in.Station,
		Limit: in.PerPage, Offset: (in.Page - 1) * in.PerPage}
	if in.After != "" {
		bad := zhitong.Invalid("after", "翻页位置无效，请从第一页重新开始")
		if len(in.After) > 400 {
			return nil, 0, bad
		}
		token, err := a.sealer.Open(in.After, resultsCursor)
		if err != nil {
			return nil, 0, bad
		}
		if f.After, err = decodeCursor("after", token, "results"); err != nil {
			return nil, 0, err
		}
		f.Offset = 0
	}
	var total int
	var err error
	if !in.NoCount {
		if total, err = a.PublicResultsCount(ctx, in); err != nil {
			return nil, 0, err
		}
	}
	rows, err := store.ListPublicResults(ctx, a.db, f)
	if err != nil {
		return nil, 0, err
	}
	out := make([]PublicResult, len(rows))
	for i, r := range rows {
		var secrets []string
		if !r.Anonymous {
			if name, err := a.sealer.Open(r.NameSealed, "case:name"); err == nil {
				secrets = append(secrets, name)
			}
			if phone, err := a.sealer.Open(r.PhoneSealed, "case:phone"); err == nil {
				secrets = append(secrets, phone)
			}
		}
		o := zhitong.Outcome(r.Outcome)
		out[i] = PublicResult{Title: mask.Public(r.Title, secrets...), Category: r.Category, Region: r.Region, Station: r.Station,
			Outcome: o, OutcomeLabel: zhitong.Label(zhitong.Outcomes, o), Unit: r.Unit, Summary: mask.Public(r.Summary, secrets...), RepliedAt: r.RepliedAt}
	}
	if n := len(rows); n > 0 {
		out[n-1].After = a.sealer.Seal(encodeCursor("results", rows[n-1].Place), resultsCursor)
	}
	return out, total, nil
}

// RegionPath returns a region and its ancestors, top first (江西省 › 赣州市 › 定南县 › 历市镇). Public.
func (a *App) RegionPath(ctx context.Context, code string) ([]zhitong.Region, error) {
	var path []zhitong.Region
	for code != "" && len(path) < 8 {
		r, err := store.GetRegion(ctx, a.db, code)
		if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
			break
		} else if err != nil {
			return nil, err
		}
		path = append([]zhitong.Region{r}, path...)
		code = r.ParentCode
	}
	return path, nil
}
