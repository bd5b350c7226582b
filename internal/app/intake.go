package app

import (
	"context"
	"crypto/rand"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhitong"
	"zhitong/internal/mask"
	"zhitong/internal/pii"
	"zhitong/internal/search"
	"zhitong/internal/store"
)

// IntakeInput is a new case, from a citizen, an officer or an integration.
type IntakeInput struct {
	Channel      zhitong.Channel `json:"channel"`
	Title        string          `json:"title"`
	Body         string          `json:"body"`
	CategoryCode string          `json:"category"`
	RegionCode   string          `json:"region"`
	StationID    int64           `json:"station_id"`
	DeputyID     int64           `json:"deputy_id"`
	Place        string          `json:"place"`
	Lat          float64         `json:"lat"`
	Lng          float64         `json:"lng"`
	Anonymous    bool            `json:"anonymous"`
	Name         string          `json:"name"`
	Phone        string          `json:"phone"`
	IDCard       string          `json:"id_card"`
	Address      string          `json:"address"`
	ExternalID   string          `json:"external_id"`
	// Answer, given by a deputy or officer at intake, closes the case as
	// answered on the spot (当场解答) in the same step.
	Answer string `json:"answer"`
	// Then runs in the case's own transaction after it is stored (an
	// online submission only: internal/sso links it to the signed-in
	// citizen), so neither exists without the other.
	Then func(tx *store.Tx, c *zhitong.Case) error `json:"-"`
}

// Limits on free text, in characters.
const (
	maxTitle = 100
	maxBody  = 5000
	maxShort = 200
	maxNote  = 2000
)

func checkLen(field, label, s string, min, max int) error {
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f {
			return zhitong.Invalid(field, "%s含有不允许的控制字符", label)
		}
	}
	n := utf8.RuneCountInString(strings.TrimSpace(s))
	if n < min {
		if min == 1 {
			return zhitong.Invalid(field, "请填写%s", label)
		}
		return zhitong.Invalid(field, "%s至少需要 %d 个字", label, min)
	}
	if n > max {
		return zhitong.Invalid(field, "%s不能超过 %d 个字（现有 %d 个）", label, max, n)
	}
	return nil
}

// validateIntake checks and normalises the input. It resolves the region
// from the station when only a station is given. Every invalid field is
// reported, joined in form order (errors.Join), so that a form can mark them
// all in one round trip; the first decides the error's code and message.
func (a *App) validateIntake(ctx context.Context, in *IntakeInput) error {
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	var bad []error
	for _, check := range []func(context.Context, *IntakeInput) error{checkIntakeText, a.checkIntakePlace, checkIntakePerson} {
		if err := check(ctx, in); zhitong.ErrorCode(err) == zhitong.EINVALID {
			bad = append(bad, problems(err)...)
		} else if err != nil {
			return err
		}
	}
	return errors.Join(bad...)
}

// problems splits an error joined by errors.Join into its parts.
func problems(err error) []error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range j.Unwrap() {
		out = append(out, problems(e)...)
	}
	return out
}

// Problems returns each invalid-input error that err joins, in order.
func Problems(err error) []error {
	if err == nil {
		return nil
	}
	return problems(err)
}

// checkIntakeText checks the free text and the coordinates.
func checkIntakeText(_ context.Context, in *IntakeInput) error {
	var bad []error
	if !zhitong.Valid(zhitong.Channels, in.Channel) {
		bad = append(bad, zhitong.Invalid("channel", "收集渠道“%s”无效", in.Channel))
	}
	bad = append(bad, checkLen("body", "诉求内容", in.Body, 5, maxBody), checkLen("title", "标题", in.Title, 0, maxTitle))
	if in.Title == "" {
		// The title is shown on the public results board: the default one
		// is cut from the citizen's text with their name, phone and house
		// numbers masked.
		in.Title = mask.Public(summarize(in.Body, 30), in.Name, in.Phone)
	}
	for _, f := range []struct{ field, label, v string }{{"place", "问题地点", in.Place}, {"name", "姓名", in.Name}, {"address", "联系地址", in.Address}, {"external_id", "外部编号", in.ExternalID}} {
		bad = append(bad, checkLen(f.field, f.label, f.v, 0, maxShort))
	}
	bad = append(bad, checkLen("answer", "当场解答内容", in.Answer, 0, maxBody))
	if in.Lat < -90 || in.Lat > 90 || in.Lng < -180 || in.Lng > 180 {
		bad = append(bad, zhitong.Invalid("lat", "经纬度超出范围"))
	}
	return errors.Join(bad...)
}

// checkIntakePlace checks the category, station, deputy and region.
func (a *App) checkIntakePlace(ctx context.Context, in *IntakeInput) error {
	var bad []error
	add := func(field string, err error) error {
		if err = asInvalid(field, err); zhitong.ErrorCode(err) == zhitong.EINVALID {
			bad = append(bad, err)
			return nil
		}
		return err
	}
	if in.CategoryCode != "" {
		if _, err := a.checkCategoryRef(ctx, a.db, "category", in.CategoryCode); err != nil && add("category", err) != nil {
			return err
		}
	}
	if in.StationID != 0 {
		st, err := store.GetStation(ctx, a.db, in.StationID)
		if err == nil {
			err = activeStation(st, "station_id")
		}
		if err != nil && add("station_id", err) != nil {
			return err
		}
		if err == nil && in.RegionCode == "" {
			in.RegionCode = st.RegionCode
		}
	}
	if in.DeputyID != 0 {
		if _, err := store.GetDeputy(ctx, a.db, in.DeputyID); err != nil && add("deputy_id", err) != nil {
			return err
		}
	}
	if in.RegionCode == "" {
		bad = append(bad, zhitong.Invalid("region", "请选择问题所在的乡镇（街道）或联络站"))
	} else if rg, err := store.GetRegion(ctx, a.db, in.RegionCode); err != nil && add("region", err) != nil {
		return err
	} else if err == nil && !rg.RetiredAt.IsZero() {
		bad = append(bad, zhitong.Invalid("region", "“%s”已停用，请选择其他地区", rg.Name))
	}
	return errors.Join(bad...)
}

// checkIntakePerson checks and normalises who raised the case.
func checkIntakePerson(_ context.Context, in *IntakeInput) error {
	if in.Anonymous {
		if in.Name != "" || in.Phone != "" || in.IDCard != "" || in.Address != "" {
			return zhitong.Invalid("anonymous", "匿名提交时请不要填写姓名、电话、身份证号或地址")
		}
		return nil
	}
	var bad []error
	in.Name = strings.TrimSpace(in.Name)
	if in.Phone != "" {
		p, err := pii.NormalizeContactPhone(in.Phone)
		if err != nil {
			bad = append(bad, zhitong.Invalid("phone", "%s", err.Error()))
		} else {
			in.Phone = p
		}
	}
	if in.IDCard != "" {
		id, err := pii.NormalizeIDCard(in.IDCard)
		if err != nil {
			bad = append(bad, zhitong.Invalid("id_card", "%s", err.Error()))
		} else {
			in.IDCard = id
		}
	}
	return errors.Join(bad...)
}

// asInvalid turns a not-found reference into an invalid-input error on field.
func asInvalid(field string, err error) error {
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return zhitong.Invalid(field, "%s", zhitong.ErrorMessage(err))
	}
	return err
}

func summarize(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// Submit takes in a case from a citizen online (p is zhitong.Citizen) or from an
// integration token (channel imported or open311). The case waits for an
// officer to register it. Once Submit returns, the case is committed to disk.
//
// also, when given, writes more rows in the same transaction (internal/exchange:
// the link to the work order).
func (a *App) Submit(ctx context.Context, p zhitong.Principal, in IntakeInput, also ...func(*store.Tx, *zhitong.Case) error) (*zhitong.Case, error) {
	if p.Staff() {
		if p.Role != zhitong.RoleIntegration {
			return a.Intake(ctx, p, in)
		}
		if in.Channel != zhitong.ChannelImported && in.Channel != zhitong.ChannelOpen311 {
			in.Channel = zhitong.ChannelImported
		}
	} else {
		in.Channel = zhitong.ChannelOnline
		in.ExternalID = ""
	}
	if in.Answer != "" {
		return nil, zhitong.Invalid("answer", "网上提交不能附带当场解答")
	}
	return a.create(ctx, p, in, zhitong.StatusSubmitted, also...)
}

// Intake registers a case taken in by staff through any channel (walk-in,
// appointment, suggestion box, mobile point, survey) in one step, classified
// and ready for triage — or answered on the spot when Answer is set. also,
// when given, writes more rows of the case (the papers and photos taken in
// with it) in the same transaction.
func (a *App) Intake(ctx context.Context, p zhitong.Principal, in IntakeInput, also ...func(*store.Tx, *zhitong.Case) error) (*zhitong.Case, error) {
	if !p.May(zhitong.ActionIntake) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权登记案件", zhitong.Label(zhitong.Roles, p.Role))
	}
	if p.Role == zhitong.RoleIntegration {
		if len(also) > 0 {
			return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "接口提交不能附带附件")
		}
		return a.Submit(ctx, p, in)
	}
	status, err := intakeStatus(p, &in)
	if zhitong.ErrorCode(err) == zhitong.EINVALID {
		// Report the other fields' problems with it, in one round trip.
		more := in
		verr := a.validateIntake(ctx, &more)
		if verr != nil && zhitong.ErrorCode(verr) != zhitong.EINVALID {
			return nil, verr
		}
		err = errors.Join(err, verr)
	}
	if err != nil {
		return nil, err
	}
	return a.create(ctx, p, in, status, also...)
}

// intakeStatus applies the rules of staff intake to in and returns the
// status the new case starts in: registered, or answered on the spot.
func intakeStatus(p zhitong.Principal, in *IntakeInput) (zhitong.Status, error) {
	if in.Channel == "" {
		in.Channel = zhitong.ChannelWalkIn
	}
	var bad []error
	if in.Channel == zhitong.ChannelOnline || in.Channel == zhitong.ChannelOpen311 {
		bad = append(bad, zhitong.Invalid("channel", "工作人员登记请选择来站、预约、意见箱、流动联络点、调研视察或导入渠道"))
	}
	if in.CategoryCode == "" {
		bad = append(bad, zhitong.Invalid("category", "请选择分类"))
	}
	if err := checkOwnDeputy(p, "deputy_id", in.DeputyID); err != nil {
		bad = append(bad, err)
	}
	if p.Role == zhitong.RoleDeputy {
		in.DeputyID = p.DeputyID
	}
	if p.StationID != 0 && in.StationID == 0 {
		in.StationID = p.StationID
	}
	status := zhitong.StatusRegistered
	if strings.TrimSpace(in.Answer) != "" {
		if !p.May(zhitong.ActionAnswer) {
			return "", zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色无权当场解答")
		}
		status = zhitong.StatusAnswered
	}
	return status, errors.Join(bad...)
}

// create validates and stores a new case. also, when given, writes more rows
// of the case (such as its photos) in the same transaction.
func (a *App) create(ctx context.Context, p zhitong.Principal, in IntakeInput, status zhitong.Status, also ...func(*store.Tx, *zhitong.Case) error) (*zhitong.Case, error) {
	if err := a.checkNewCase(ctx, p, &in); err != nil {
		return nil, err
	}
	if in.ExternalID != "" {
		// Integrations retry; the same external id returns the case already taken in.
		if c, err := store.GetCaseByExternalID(ctx, a.db, in.Channel, in.ExternalID); err == nil {
			return &c.Case, nil
		}
	}
	rec := a.newCase(p, in, status)
	err := a.db.WriteGrouped(ctx, func(tx *store.Tx) error {
		return a.insertCase(ctx, tx, p, rec, in.Anonymous, also...)
	})
	if err != nil {
		return nil, err
	}
	return &rec.Case, nil
}

// checkNewCase validates in and checks that p may take in a case there.
func (a *App) checkNewCase(ctx context.Context, p zhitong.Principal, in *IntakeInput) error {
	regionGiven := in.RegionCode != ""
	if err := a.validateIntake(ctx, in); err != nil {
		return err
	}
	if p.Staff() && in.StationID != 0 && !regionGiven {
		// A case taken in at a cross-border station belongs to the
		// station's region that the one taking it in covers.
		st, err := store.GetStation(ctx, a.db, in.StationID)
		if err != nil {
			return err
		}
		if in.RegionCode, err = a.stationRegionFor(ctx, a.db, p, st); err != nil {
			return err
		}
	}
	if p.Staff() {
		scope := zhitong.Scope{RegionCode: in.RegionCode, StationID: in.StationID, DeputyID: in.DeputyID}
		// A deputy files what they receive as their own case (Sees holds by
		// construction), but only within the region they were elected in.
		outside := !p.Sees(scope) || p.Role == zhitong.RoleDeputy && !strings.HasPrefix(in.RegionCode, p.RegionCode)
		if outside && regionScoped(p) && in.StationID != 0 {
			// At a cross-border station one covers, a case may be about
			// any region the station serves, the other side's too
			// (crossborder_scope.go); it then belongs to that side.
			ok, err := a.servesAt(ctx, p, in.StationID, in.RegionCode)
			if err != nil {
				return err
			}
			outside = !ok
		}
		if outside {
			return zhitong.Errorf(zhitong.EFORBIDDEN, "所选地区或联络站不在您的管辖范围内")
		}
		if in.StationID != 0 {
			// The station named must be one p covers too, not only the
			// region: another county's station would give that county the case.
			if _, err := a.checkStationRef(ctx, a.db, p, "station_id", in.StationID); err != nil {
				return err
			}
		}
		if err := a.checkStaffRegion(ctx, a.db, p, in.RegionCode); err != nil {
			return err
		}
		if in.DeputyID != 0 && p.Role != zhitong.RoleDeputy {
			if _, err := a.checkDeputyRef(ctx, a.db, p, "deputy_id", in.DeputyID); err != nil {
				return err
			}
		}
	}
	return nil
}

// newCase builds the record of a new, validated case.
func (a *App) newCase(p zhitong.Principal, in IntakeInput, status zhitong.Status) *store.CaseRecord {
	now := a.clock.Now()
	rec := &store.CaseRecord{CreatedBy: p.UserID}
	c := &rec.Case
	*c = zhitong.Case{
		Channel: in.Channel, Status: status, Version: 1, Round: 1, Title: in.Title, Body: strings.TrimSpace(in.Body),
		CategoryCode: in.CategoryCode, RegionCode: in.RegionCode, StationID: in.StationID, DeputyID: in.DeputyID,
		Place: strings.TrimSpace(in.Place), Lat: in.Lat, Lng: in.Lng, ExternalID: in.ExternalID,
		SubmittedAt: now, UpdatedAt: now, Answer: strings.TrimSpace(in.Answer),
	}
	c.Submitter = a.seal(zhitong.Submitter{Anonymous: in.Anonymous, Name: in.Name, Phone: in.Phone, IDCard: in.IDCard, Address: strings.TrimSpace(in.Address)})
	if in.Phone != "" {
		rec.PhoneIndex = a.sealer.BlindIndex("phone", in.Phone)
	}
	if status != zhitong.StatusSubmitted {
		c.RegisteredAt = now
	}
	if status == zhitong.StatusAnswered {
		c.Resolution, c.ClosedAt = zhitong.ResolutionAnswered, now
	}
	return rec
}

// insertCase stores a new case with its search entry, first event and audit
// entry inside tx; also writes further rows of the case (its photos).
func (a *App) insertCase(ctx context.Context, tx *store.Tx, p zhitong.Principal, rec *store.CaseRecord, anonymous bool, also ...func(*store.Tx, *zhitong.Case) error) error {
	c := &rec.Case
	now, status, action := c.SubmittedAt, c.Status, zhitong.ActionIntake
	if status == zhitong.StatusSubmitted {
		action = zhitong.ActionSubmit
	}
	c.Code = newTrackingCode()
	rec.Search = search.Document(c.Title + " " + c.Body + " " + c.Place)
	ev := &zhitong.Event{At: now, ActorID: p.UserID, ActorName: actorName(p), Action: action, ToStatus: status,
		Note: zhitong.Label(zhitong.Channels, c.Channel), Public: "您的诉求已受理"}
	if status == zhitong.StatusAnswered {
		ev.Public = "已当场解答：" + c.Answer
	}
	// The case and its first event: one statement on PostgreSQL.
	id, err := tx.InsertCaseWithEvent(ctx, rec, ev)
	if err != nil {
		return err
	}
	c.ID = id
	for _, fn := range also {
		if err := fn(tx, c); err != nil {
			return err
		}
	}
	if err := a.ackNotice(ctx, tx, c, ev); err != nil {
		return err
	}
	// The case's region is known: the audit entry needs no look-up.
	if err := a.auditIn(ctx, tx, p, c.RegionCode, "case."+string(action), "case:"+strconv.FormatInt(id, 10),
		map[string]any{"code": c.Code, "channel": c.Channel, "status": status, "anonymous": anonymous}); err != nil {
		return err
	}
	// A case a deputy collected earns points: their ledger follows now.
	return a.refreshDeputies(ctx, tx, c.DeputyID)
}

func (a *App) seal(s zhitong.Submitter) zhitong.Submitter {
	return zhitong.Submitter{Anonymous: s.Anonymous,
		Name: a.sealer.Seal(s.Name, "case:name"), Phone: a.sealer.Seal(s.Phone, "case:phone"),
		IDCard: a.sealer.Seal(s.IDCard, "case:id_card"), Address: a.sealer.Seal(s.Address, "case:address")}
}

func (a *App) unseal(s zhitong.Submitter) (zhitong.Submitter, error) {
	out := zhitong.Submitter{Anonymous: s.Anonymous}
	var err error
	if out.Name, err = a.sealer.Open(s.Name, "case:name"); err != nil {
		return out, err
	}
	if out.Phone, err = a.sealer.Open(s.Phone, "case:phone"); err != nil {
		return out, err
	}
	if out.IDCard, err = a.sealer.Open(s.IDCard, "case:id_card"); err != nil {
		return out, err
	}
	out.Address, err = a.sealer.Open(s.Address, "case:address")
	return out, err
}

// trackingAlphabet leaves out 0/O, 1/I/L so codes read aloud over the phone
// and typed from paper without mistakes.
const trackingAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// newTrackingCode returns 12 random characters (about 59 bits) as XXXX-XXXX-XXXX.
func newTrackingCode() string {
	var b [12]byte
	out := make([]byte, 0, 14)
	for i := 0; i < len(b); {
		rand.Read(b[i : i+1])
		if int(b[i]) >= 256/len(trackingAlphabet)*len(trackingAlphabet) {
			continue // rejection sampling keeps the distribution uniform
		}
		if i == 4 || i == 8 {
			out = append(out, '-')
		}
		out = append(out, trackingAlphabet[int(b[i])%len(trackingAlphabet)])
		i++
	}
	return string(out)
}

// NormalizeCode turns what a citizen typed into the stored tracking-code form.
func NormalizeCode(s string) (string, bool) {
	b, ok := codeLetters(s, 12)
	if !ok {
		return "", false
	}
	return string(b[0:4]) + "-" + string(b[4:8]) + "-" + string(b[8:12]), true
}

// codeLetters returns the n letters of a code as typed, upper-cased,
// without dashes and spaces; ok is false for any other character or count.
func codeLetters(s string, n int) (b []byte, ok bool) {
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ':
			continue
		case r < 128 && strings.IndexByte(trackingAlphabet, byte(r)) >= 0:
			b = append(b, byte(r))
		default:
			return nil, false
		}
	}
	return b, len(b) == n
}
