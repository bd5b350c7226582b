package export

import (
	"context"
	"net/http"
	"time"

	"zhitong"
	"zhitong/internal/app"
)

// Service builds the exported lists of the workbench and the API.
type Service struct{ app *app.App }

// New returns the export service of a.
func New(a *app.App) *Service { return &Service{app: a} }

// File is an export ready to be sent: its names and its sheets. Building
// one checks the request (filters, permission, jurisdiction); sending it
// streams the rows.
type File struct {
	Name    string // Chinese, for filename*
	ASCII   string // the fallback name
	Reports []Report
}

// NewFile names an export of title made for jurisdiction on day, with
// ascii (e.g. "cases") as the stem of the fallback name.
func NewFile(jurisdiction, title, ascii string, day time.Time, reports ...Report) *File {
	return &File{Name: FileName(jurisdiction, title, day), ASCII: ascii + "-" + day.In(zhitong.China).Format("20060102") + ".xlsx", Reports: reports}
}

// ServeTimeout is how long an export may take to send: longer than the
// server's write timeout for pages (a million cases take about 35 s on
// SQLite on two cores).
const ServeTimeout = 15 * time.Minute

// Serve sends the file as an attachment, with the write deadline moved to
// ServeTimeout from now where the connection allows it.
func (f *File) Serve(w http.ResponseWriter) error {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(ServeTimeout))
	Attachment(w, f.Name, f.ASCII)
	return Write(w, f.Reports...)
}

// Jurisdiction names whose list p exports: their unit, their station, or
// their region (全国 for the whole country).
func (s *Service) Jurisdiction(ctx context.Context, p zhitong.Principal) (string, error) {
	switch {
	case p.Role == zhitong.RoleUnit && p.UnitID != 0:
		units, err := s.app.Units(ctx, p, "")
		if err != nil {
			return "", err
		}
		for _, u := range units {
			if u.ID == p.UnitID {
				return u.Name, nil
			}
		}
	case p.StationID != 0:
		stations, err := s.app.AllStations(ctx, p.RegionCode)
		if err != nil {
			return "", err
		}
		for _, st := range stations {
			if st.ID == p.StationID {
				return st.Name, nil
			}
		}
	}
	return s.regionName(ctx, p.RegionCode)
}

func (s *Service) regionName(ctx context.Context, code string) (string, error) {
	if code == "" {
		return "全国", nil
	}
	path, err := s.app.RegionPath(ctx, code)
	if err != nil || len(path) == 0 {
		return code, err
	}
	return path[len(path)-1].Name, nil
}

// asOf is the period of a list that is a snapshot: 截至 2026-12-07 09:30.
func (s *Service) asOf() string {
	return "截至 " + s.app.Now().In(zhitong.China).Format("2006-01-02 15:04")
}

// period is the period of a from–to filter, or the snapshot time.
func (s *Service) period(from, to string) string {
	switch {
	case from != "" && to != "":
		return from + " 至 " + to
	case from != "":
		return from + " 起"
	case to != "":
		return "至 " + to
	}
	return s.asOf()
}
