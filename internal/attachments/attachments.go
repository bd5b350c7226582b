// Package attachments keeps the files staff and handling units attach to a
// case (docs/attachments.md): the unit's signed reply letter and its photos
// after repair, and the photos and scanned papers staff take in at a
// walk-in. They live in the attachments table beside the photos citizens
// attach online (internal/app), sealed the same way; each file is checked
// by its content, images are cleaned of metadata, and the citizen sees the
// ones marked public on the tracking page.
package attachments

import (
	"context"
	"net/url"
	"slices"
	"strconv"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/uploads"
)

// Kinds of attachment.
const (
	KindReplyLetter = "reply_letter" // 答复函: the unit's signed reply letter (PDF or image)
	KindReplyPhoto  = "reply_photo"  // 整改照片: a photo after the repair
	KindIntakePhoto = "intake_photo" // 来访照片: a photo taken in at a walk-in
	KindIntakeScan  = "intake_scan"  // 来访材料: a scanned paper the visitor brought
)

// Kinds lists the kinds with their Chinese labels, in form order.
var Kinds = []zhitong.Named[string]{
	{Value: KindReplyLetter, Label: "答复函"},
	{Value: KindReplyPhoto, Label: "整改后照片"},
	{Value: KindIntakePhoto, Label: "来访照片"},
	{Value: KindIntakeScan, Label: "来访材料扫描件"},
}

// ReplyKinds and IntakeKinds are the kinds attached to a reply and at intake.
var (
	ReplyKinds  = []string{KindReplyLetter, KindReplyPhoto}
	IntakeKinds = []string{KindIntakePhoto, KindIntakeScan}
)

// Field is the form field (and API error field) of the files.
const Field = "attachments"

// Input is one file as uploaded.
type Input struct {
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Data   []byte `json:"data"` // base64 in JSON
	Public bool   `json:"public"`
}

// Attachment is an attachment as listed (Data only when opened one by one).
type Attachment = app.Attachment

// Service attaches, lists and opens attachments.
type Service struct{ app *app.App }

// New returns the service over a.
func New(a *app.App) *Service { return &Service{app: a} }

// ours keeps the kinds of this package: not the citizens' own photos.
func ours(s *store.Attachment) bool { return s.Kind != store.KindCitizenPhoto }

// public keeps what the citizen sees on the tracking page.
func public(s *store.Attachment) bool { return ours(s) && s.Public }

// prepare checks the files of one request against the kinds allowed there
// and the limits, and cleans them. It is the costly part (images are
// decoded and encoded again), done before any transaction.
func prepare(files []Input, allowed []string) ([]store.Attachment, error) {
	if len(files) > MaxFiles {
		return nil, zhitong.Invalid(Field, "一次最多上传 %d 个文件（您选择了 %d 个）", MaxFiles, len(files))
	}
	out := make([]store.Attachment, 0, len(files))
	for _, f := range files {
		if !slices.Contains(allowed, f.Kind) {
			return nil, zhitong.Invalid(Field, "附件类别不正确：%q", f.Kind)
		}
		f.Name = cleanName(f.Name)
		ct, data, err := content(f)
		if err != nil {
			return nil, err
		}
		out = append(out, store.Attachment{Kind: f.Kind, Name: f.Name, Public: f.Public, ContentType: ct, Size: len(data), Data: data})
	}
	return out, nil
}

// mayAttach checks that p may attach files of kind to case c: reply files
// come from the case's lead unit (or staff who may record replies), intake
// files from staff who may take cases in — never from a unit.
func mayAttach(p zhitong.Principal, c *zhitong.Case, kind string) error {
	switch {
	case slices.Contains(ReplyKinds, kind) && p.Role == zhitong.RoleUnit:
		if c.LeadUnitID != p.UnitID {
			return zhitong.Errorf(zhitong.EFORBIDDEN, "答复函和整改照片由主办单位上传")
		}
	case slices.Contains(ReplyKinds, kind):
		if !p.May(zhitong.ActionReply) {
			return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色无权上传答复附件")
		}
	case p.Role == zhitong.RoleUnit || !p.May(zhitong.ActionIntake):
		return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色无权上传来访材料")
	}
	return nil
}

// write stores prepared attachments of case c in tx and audits them.
func (s *Service) write(ctx context.Context, tx *store.Tx, p zhitong.Principal, c *zhitong.Case, list []store.Attachment) ([]Attachment, error) {
	if len(list) == 0 {
		return nil, nil
	}
	have, err := store.ListAttachments(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	n := 0
	for i := range have {
		if ours(&have[i]) {
			n++
		}
	}
	if n+len(list) > MaxPerCase {
		return nil, zhitong.Invalid(Field, "每件最多 %d 个附件，已有 %d 个", MaxPerCase, n)
	}
	now := s.app.Clock().Now()
	out := make([]Attachment, 0, len(list))
	ids, kinds := make([]int64, 0, len(list)), make([]string, 0, len(list))
	public := 0
	for _, att := range list {
		if err := mayAttach(p, c, att.Kind); err != nil {
			return nil, err
		}
		att.CaseID, att.CreatedAt, att.AddedBy = c.ID, now, p.UserID
		view := Attachment{Kind: att.Kind, Name: att.Name, Public: att.Public, ContentType: att.ContentType, Size: att.Size, CreatedAt: now}
		if err := s.app.InsertAttachment(ctx, tx, &att); err != nil {
			return nil, err
		}
		view.ID = att.ID
		out = append(out, view)
		ids, kinds = append(ids, att.ID), append(kinds, att.Kind)
		if att.Public {
			public++
		}
	}
	return out, s.app.AppendAudit(ctx, tx, p, "case.attach", "case:"+strconv.FormatInt(c.ID, 10),
		map[string]any{"code": c.Code, "attachments": ids, "kinds": kinds, "public": public})
}

// Add attaches files to case caseID on their own (a photo after repair
// taken days after the reply, a paper scanned later): all of them or none.
func (s *Service) Add(ctx context.Context, p zhitong.Principal, caseID int64, files []Input) ([]Attachment, error) {
	if len(files) == 0 {
		return nil, zhitong.Invalid(Field, "请选择要上传的文件")
	}
	list, err := prepare(files, append(slices.Clone(ReplyKinds), IntakeKinds...))
	if err != nil {
		return nil, err
	}
	var out []Attachment
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		c, err := s.app.ViewableCase(ctx, tx, p, caseID)
		if err != nil {
			return err
		}
		if err := mayAddLater(&c.Case); err != nil {
			return err
		}
		out, err = s.write(ctx, tx, p, &c.Case, list)
		return err
	})
	return out, err
}

// AddableKinds are the kinds p may add later to a case in status with lead
// unit leadUnit (the case page's form offers these): none once the case is
// closed or archived.
func AddableKinds(p zhitong.Principal, status zhitong.Status, leadUnit int64) []string {
	c := &zhitong.Case{Status: status, LeadUnitID: leadUnit}
	if !p.Staff() || mayAddLater(c) != nil {
		return nil
	}
	var out []string
	for _, k := range append(slices.Clone(ReplyKinds), IntakeKinds...) {
		if mayAttach(p, c, k) == nil {
			out = append(out, k)
		}
	}
	return out
}

// mayAddLater refuses files for a case that is closed or archived: its
// record is final (ECONFLICT, nothing written).
func mayAddLater(c *zhitong.Case) error {
	switch c.Status {
	case zhitong.StatusClosed:
		return zhitong.Errorf(zhitong.ECONFLICT, "该件已办结，不能再添加附件")
	case zhitong.StatusArchived:
		return zhitong.Errorf(zhitong.ECONFLICT, "该件已归档，不能再添加附件")
	}
	return nil
}

// Reply records the unit's reply (app.Reply) with its reply letter and
// photos, in one transaction: the reply and all its files, or nothing.
func (s *Service) Reply(ctx context.Context, p zhitong.Principal, caseID int64, in app.ReplyInput, files []Input) (*zhitong.Case, error) {
	list, err := prepare(files, ReplyKinds)
	if err != nil {
		return nil, err
	}
	return s.app.ReplyWith(ctx, p, caseID, in, func(tx *store.Tx, c *store.CaseRecord) error {
		_, err := s.write(ctx, tx, p, &c.Case, list)
		return err
	})
}

// Intake registers a case taken in by staff (app.Intake) with the photos
// and scanned papers of the visit, in one transaction.
func (s *Service) Intake(ctx context.Context, p zhitong.Principal, in app.IntakeInput, files []Input) (*zhitong.Case, error) {
	list, err := prepare(files, IntakeKinds)
	if err != nil {
		return nil, err
	}
	return s.app.Intake(ctx, p, in, func(tx *store.Tx, c *zhitong.Case) error {
		_, err := s.write(ctx, tx, p, c, list)
		return err
	})
}

// List returns the attachments of case caseID (not the citizen's photos,
// which app.Attachments lists) for p, who must be able to view the case.
func (s *Service) List(ctx context.Context, p zhitong.Principal, caseID int64) ([]Attachment, error) {
	if _, err := s.app.ViewableCase(ctx, s.app.DB(), p, caseID); err != nil {
		return nil, err
	}
	return s.app.ListCaseAttachments(ctx, caseID, ours)
}

// Open returns one attachment of case caseID with its bytes, for p, who
// must be able to view the case.
func (s *Service) Open(ctx context.Context, p zhitong.Principal, caseID, id int64) (*Attachment, error) {
	if _, err := s.app.ViewableCase(ctx, s.app.DB(), p, caseID); err != nil {
		return nil, err
	}
	return s.app.OpenCaseAttachment(ctx, caseID, id, false, ours)
}

// TrackList returns the public attachments of the case with this tracking
// code: what its citizen sees.
func (s *Service) TrackList(ctx context.Context, code string) ([]Attachment, error) {
	c, err := s.app.TrackedCase(ctx, code)
	if err != nil {
		return nil, err
	}
	return s.app.ListCaseAttachments(ctx, c.ID, public)
}

// TrackOpen returns one public attachment, with its bytes, of the case with
// this tracking code; any other is not found.
func (s *Service) TrackOpen(ctx context.Context, code string, id int64) (*Attachment, error) {
	c, err := s.app.TrackedCase(ctx, code)
	if err != nil {
		return nil, err
	}
	return s.app.OpenCaseAttachment(ctx, c.ID, id, false, public)
}

// KindLabel is the Chinese label of a kind.
func KindLabel(kind string) string { return zhitong.Label(Kinds, kind) }

// FormLimits are the limits of reading an upload form (uploads.ReadForm):
// the request, one file (the larger PDF limit; content checks each type's).
var FormLimits = uploads.Limits{Total: MaxRequestBytes, File: max(MaxPDFBytes, MaxImageBytes), Files: MaxFiles, Field: Field}

// FromForm turns the files of an upload form into inputs: each file input
// is named by its kind, and a field "public_<kind>" set to "1" or "on"
// marks that kind's files public. Files of other inputs are refused.
func FromForm(values url.Values, files []uploads.File) ([]Input, error) {
	out := make([]Input, 0, len(files))
	for _, f := range files {
		if !slices.ContainsFunc(Kinds, func(k zhitong.Named[string]) bool { return k.Value == f.Field }) {
			return nil, zhitong.Invalid(Field, "文件应放在以附件类别命名的表单字段中（reply_letter、reply_photo、intake_photo、intake_scan），而不是 %q", f.Field)
		}
		pub := values.Get("public_" + f.Field)
		out = append(out, Input{Kind: f.Field, Name: f.Name, Data: f.Data, Public: pub == "1" || pub == "on" || pub == "true"})
	}
	return out, nil
}
