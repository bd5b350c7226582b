package exchange

import "time"

// WorkOrder is a work order (工单) as it travels between peers, modelled on
// the provincial 12345 docking specifications (DB36/T 1180-2019: 工单编号,
// 诉求标题, 诉求内容, 诉求分类, 事发地区划, 事发地址, 来电人, 联系电话;
// categories per the demand-classification codes such as DB1501/T
// 0032-2023). The receiving side maps Category through the peer's mapping.
type WorkOrder struct {
	OrderNo      string    `json:"order_no"`      // 工单编号, unique per sender
	Title        string    `json:"title"`         // 诉求标题
	Content      string    `json:"content"`       // 诉求内容
	Category     string    `json:"category"`      // 诉求分类代码 (the sender's)
	AreaCode     string    `json:"area_code"`     // 事发地行政区划代码
	Address      string    `json:"address"`       // 事发地址
	CitizenName  string    `json:"citizen_name"`  // 诉求人姓名 ("" when anonymous)
	CitizenPhone string    `json:"citizen_phone"` // 联系电话
	Consent      string    `json:"consent"`       // 群众同意转办的方式: phone | station ("" inbound from 12345)
	CreatedAt    time.Time `json:"created_at"`    // 登记时间
	History      []Step    `json:"history,omitempty"`
}

// Step is one public step of a case's history (kind zhitong sends them
// with the case; 12345 sends none).
type Step struct {
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// StatusUpdate is the status of a work order, sent by whoever handles it
// to whoever sent it.
type StatusUpdate struct {
	OrderNo      string    `json:"order_no"`
	Step         string    `json:"step"`         // accepted 已受理 | handling 办理中 | rated 群众已评价 | finished 已办结 | returned 已退回
	Text         string    `json:"text"`         // 状态说明
	Result       string    `json:"result"`       // 办理结果, with finished
	Satisfaction string    `json:"satisfaction"` // 满意 | 基本满意 | 不满意, with finished (may be empty)
	At           time.Time `json:"at"`
}

// Receipt is the answer to a delivered message.
type Receipt struct {
	OrderNo string `json:"order_no"`
	CaseID  int64  `json:"case_id,omitempty"`
	Code    string `json:"code,omitempty"` // reference the receiver gives the order
}

// Steps of a work order that the sender of the order understands.
const (
	StepAccepted = "accepted"
	StepHandling = "handling"
	StepRated    = "rated" // the citizen rated the handling: Satisfaction set
	StepFinished = "finished"
	StepReturned = "returned"
)

// Satisfactions a status may carry.
var Satisfactions = []string{"满意", "基本满意", "不满意"}
