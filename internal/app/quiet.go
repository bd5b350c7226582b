package app

import (
	"strconv"
	"time"

	"zhitong"
)

// QuietHours is when no SMS goes to citizens, in China time: from Start
// o'clock to End o'clock the next morning. Off disables it.
type QuietHours struct {
	Start, End int
	Off        bool
}

// DefaultQuietHours is 22:00–08:00.
var DefaultQuietHours = QuietHours{Start: 22, End: 8}

// holdUntil returns the end of the quiet period t falls in, if it does.
func (q QuietHours) holdUntil(t time.Time) (time.Time, bool) {
	if q.Off || q.Start == q.End {
		return time.Time{}, false
	}
	local := t.In(zhitong.China)
	h := local.Hour()
	quiet := h >= q.Start || h < q.End
	if q.Start < q.End {
		quiet = h >= q.Start && h < q.End
	}
	if !quiet {
		return time.Time{}, false
	}
	end := time.Date(local.Year(), local.Month(), local.Day(), q.End, 0, 0, 0, zhitong.China)
	if !end.After(local) {
		end = end.AddDate(0, 0, 1)
	}
	return end, true
}

// String renders the quiet hours as 22:00–08:00.
func (q QuietHours) String() string {
	return pad2(q.Start) + ":00–" + pad2(q.End) + ":00"
}

func pad2(h int) string {
	s := strconv.Itoa(h)
	if len(s) < 2 {
		s = "0" + s
	}
	return s
}
