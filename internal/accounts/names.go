package accounts

import (
	"context"
	"strings"

	"zhitong"
	"zhitong/internal/store"
)

// namer names regions, stations, units and deputies for the account list,
// each looked up once per list.
type namer struct {
	ctx   context.Context
	q     store.Q
	names map[string]string
	err   error // the first lookup that failed for another reason than not found
}

func newNamer(ctx context.Context, q store.Q) *namer {
	return &namer{ctx: ctx, q: q, names: map[string]string{}}
}

func (n *namer) name(key string, look func() (string, error)) string {
	if v, ok := n.names[key]; ok {
		return v
	}
	v, err := look()
	if err != nil {
		if zhitong.ErrorCode(err) != zhitong.ENOTFOUND && n.err == nil {
			n.err = err
		}
		v = "（" + key + " 不存在）"
	}
	n.names[key] = v
	return v
}

// jurisdiction names what an account acts for: its region, and its
// station, unit or deputy when it has one.
func (n *namer) jurisdiction(region string, station, unit, deputy int64) string {
	var parts []string
	if region == "" {
		parts = append(parts, "全国")
	} else {
		parts = append(parts, n.name("region "+region, func() (string, error) {
			r, err := store.GetRegion(n.ctx, n.q, region)
			return r.Name, err
		}))
	}
	if station != 0 {
		parts = append(parts, n.name(key("station", station), func() (string, error) {
			st, err := store.GetStation(n.ctx, n.q, station)
			return st.Name, err
		}))
	}
	if unit != 0 {
		parts = append(parts, n.name(key("unit", unit), func() (string, error) {
			u, err := store.GetUnit(n.ctx, n.q, unit)
			return u.Name, err
		}))
	}
	if deputy != 0 {
		parts = append(parts, n.name(key("deputy", deputy), func() (string, error) {
			d, err := store.GetDeputy(n.ctx, n.q, deputy)
			return d.Name, err
		}))
	}
	return strings.Join(parts, " · ")
}

func key(kind string, id int64) string { return kind + " " + strconvI(id) }
