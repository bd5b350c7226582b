package topics

import (
	"context"
	"net/url"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/stats"
)

// Scope narrows a case list to the cases behind a dashboard figure
// (stat=…) or a hot topic (topic=…), with the period and slice q names,
// as the list page, its export and the API read them; label describes
// the set ("" when q names neither and in is left as it was).
func Scope(ctx context.Context, a *app.App, p zhitong.Principal, q url.Values, in *app.ListInput) (label string, err error) {
	var ids []int64
	switch {
	case q.Get("stat") != "":
		ids, label, err = stats.New(a).CaseIDs(ctx, p, q)
	case q.Get("topic") != "":
		ids, label, err = New(a).CaseIDs(ctx, p, q)
	default:
		return "", nil
	}
	if err != nil {
		return "", err
	}
	in.OnlyIDs, in.OnlyIDsSet = ids, true
	return label, nil
}
