package zhitong

import "time"

// Organisation — 人大常委会: the body a deployment serves in one region, with
// the office that runs the liaison work (代表工作委员会, 代表工委). Letters and
// page headers carry its names; ShortName prefixes document numbers.
type Organisation struct {
	RegionCode    string
	Name          string // 定南县人大常委会
	CommitteeName string // 定南县人大常委会代表工作委员会
	ShortName     string // 定南人大
	CreatedAt     time.Time
}
