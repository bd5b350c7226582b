package setup

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/regions"
	"zhitong/internal/store"
)

// Organise is the reference-data half of set-up, inside the caller's
// transaction: it adds the region code's ancestors and whole subtree from
// the division data (keeping regions already there, so a rename by an
// administrator stands) and records the organisation. It returns the
// organisation, how many regions it added and how many townships and
// streets the subtree holds. A region that already has an organisation is
// ECONFLICT.
func Organise(ctx context.Context, tx *store.Tx, tree *regions.Tree, code string, names Names, now time.Time) (zhitong.Organisation, int, int, error) {
	sub := tree.Subtree(code)
	if len(sub) == 0 || code == "" {
		return zhitong.Organisation{}, 0, 0, zhitong.Invalid("region", "行政区划代码“%s”不在全国行政区划数据中", code)
	}
	rows, towns := RegionRows(tree, code)
	added, err := tx.InsertRegionsIfMissing(ctx, rows)
	if err != nil {
		return zhitong.Organisation{}, 0, 0, fmt.Errorf("regions of %s: %w", code, err)
	}
	org := zhitong.Organisation{RegionCode: code, Name: names.OrgName, CommitteeName: names.CommitteeName, ShortName: names.ShortName, CreatedAt: now}
	if err := tx.InsertOrganisation(ctx, org); err != nil {
		if zhitong.ErrorCode(err) == zhitong.ECONFLICT {
			r, _ := tree.Get(code)
			return org, 0, 0, zhitong.Errorf(zhitong.ECONFLICT, "%s（%s）已经设置过，未做任何修改", r.Name, regions.Standard(code))
		}
		return org, 0, 0, err
	}
	return org, added, towns, nil
}

// RegionRows is code's ancestors and whole subtree from the division data,
// parents first, as rows of the regions table, and how many townships and
// streets the subtree holds. Set-up and loading regions for a cross-border
// station (internal/crossborder) both write them.
func RegionRows(tree *regions.Tree, code string) ([]zhitong.Region, int) {
	path := tree.Path(code)
	all := append(path[:len(path)-1:len(path)-1], tree.Subtree(code)...)
	rows := make([]zhitong.Region, len(all))
	towns := 0
	for i, g := range all {
		if g.Level == regions.Township {
			towns++
		}
		rows[i] = zhitong.Region{Code: g.Code, Name: g.Name, ParentCode: g.ParentCode, Level: int(g.Level)}
	}
	return rows, towns
}

// DefaultCategories are the case categories a new deployment starts with,
// with their default deadlines in working days; administrators change them
// later (/work/categories).
var DefaultCategories = []zhitong.Category{
	{Code: "consult", Name: "政策咨询", DueDays: 3, Group: "咨询求助"},
	{Code: "help", Name: "求助", DueDays: 5, Group: "咨询求助"},
	{Code: "roads", Name: "道路交通", DueDays: 15, Group: "基础设施"},
	{Code: "water", Name: "供水供电", DueDays: 5, Group: "基础设施"},
	{Code: "construction", Name: "城乡建设", DueDays: 15, Group: "基础设施"},
	{Code: "environment", Name: "环境卫生", DueDays: 10, Group: "生态环境"},
	{Code: "education", Name: "教育医疗", DueDays: 13, Group: "社会事业"},
	{Code: "social", Name: "社会保障", DueDays: 13, Group: "社会事业"},
	{Code: "agriculture", Name: "农业农村", DueDays: 15, Group: "产业发展"},
	{Code: "dispute", Name: "矛盾纠纷", DueDays: 10, Group: "社会治理"},
	{Code: "other", Name: "其他", DueDays: 15, Group: "其他"},
}

// SeedCategories adds DefaultCategories when there is no category at all,
// and returns how many it added.
func SeedCategories(ctx context.Context, tx *store.Tx) (int, error) {
	n, err := store.CountCategories(ctx, tx)
	if err != nil || n > 0 {
		return 0, err
	}
	for _, c := range DefaultCategories {
		if err := tx.UpsertCategory(ctx, c); err != nil {
			return 0, err
		}
	}
	return len(DefaultCategories), nil
}

// Needed reports whether the deployment still needs setting up: it has no
// security administrator.
func Needed(ctx context.Context, a *app.App) (bool, error) {
	has, err := store.HasSecAdmin(ctx, a.DB())
	return !has, err
}

// passwordAlphabet leaves out look-alikes (0 O o, 1 l I) so a password read
// off a screen is typed right.
const passwordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"

// NewPassword returns a random initial password of three groups of four
// (about 70 bits), e.g. "Hk7p-Qz3m-Wd9a", that meets app.ValidatePassword.
func NewPassword() string {
	for {
		b := make([]byte, 0, 14)
		for i := range 12 {
			if i > 0 && i%4 == 0 {
				b = append(b, '-')
			}
			b = append(b, passwordAlphabet[randIndex(len(passwordAlphabet))])
		}
		if pw := string(b); app.ValidatePassword(pw) == nil && hasAll(pw) {
			return pw
		}
	}
}

// hasAll asks for upper case, lower case and a digit besides the dashes,
// so the password stays valid if a policy stops counting symbols.
func hasAll(pw string) bool {
	var up, low, dig bool
	for _, r := range pw {
		up = up || r >= 'A' && r <= 'Z'
		low = low || r >= 'a' && r <= 'z'
		dig = dig || r >= '0' && r <= '9'
	}
	return up && low && dig
}

func randIndex(n int) int {
	var b [1]byte
	for {
		rand.Read(b[:])
		if int(b[0]) < 256-256%n {
			return int(b[0]) % n
		}
	}
}
