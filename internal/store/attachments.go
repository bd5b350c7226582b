package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"zhitong"
)

// Attachment is a file attached to a case: a photo a citizen took of the
// problem (KindCitizenPhoto), or a reply letter, a photo or a scanned paper
// staff or the handling unit added (internal/attachments). Data is what is
// stored (sealed with AttachmentAAD); lists leave it empty.
type Attachment struct {
	ID          int64
	CaseID      int64
	Kind        string
	Name        string // file name as uploaded, sealed (AttachmentNameAAD); empty for citizen photos
	Public      bool   // shown to the citizen on the tracking page
	AddedBy     int64  // user id; 0 for the citizen
	ContentType string
	Size        int
	Data        []byte
	Thumb       []byte // sealed small JPEG, nil when the photo could not be decoded
	CreatedAt   time.Time
}

// KindCitizenPhoto is the kind of the photos citizens attach online.
const KindCitizenPhoto = "citizen_photo"

// AttachmentAAD binds an attachment's sealed bytes to its case, so bytes
// copied to another case do not open (SealedColumns lists it).
func AttachmentAAD(caseID int64) string { return "case:photo:" + strconv.FormatInt(caseID, 10) }

// AttachmentNameAAD binds an attachment's sealed file name to its case.
func AttachmentNameAAD(caseID int64) string { return "case:attname:" + strconv.FormatInt(caseID, 10) }

const attachmentCols = `id, case_id, kind, name_enc, public, added_by, content_type, size, created_at`

func (a *Attachment) scan(row interface{ Scan(...any) error }, more ...any) error {
	var at string
	err := row.Scan(append([]any{&a.ID, &a.CaseID, &a.Kind, &a.Name, &a.Public, &a.AddedBy, &a.ContentType, &a.Size, &at}, more...)...)
	a.CreatedAt = ParseTime(at)
	return err
}

// InsertAttachment stores an attachment and sets its id.
func (t *Tx) InsertAttachment(ctx context.Context, a *Attachment) error {
	var thumb any
	if a.Thumb != nil {
		thumb = a.Thumb
	}
	if a.Kind == "" {
		a.Kind = KindCitizenPhoto
	}
	err := t.QueryRow(ctx, `INSERT INTO attachments (case_id, kind, name_enc, public, added_by, content_type, size, data, thumb, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.CaseID, a.Kind, a.Name, a.Public, a.AddedBy, a.ContentType, a.Size, a.Data, thumb, FormatTime(a.CreatedAt)).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("insert attachment: %w", err)
	}
	return nil
}

// ListAttachments returns a case's attachments in upload order, without their data.
func ListAttachments(ctx context.Context, q Q, caseID int64) ([]Attachment, error) {
	rows, err := q.Query(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("list attachments: %w", err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := a.scan(rows); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// GetAttachment loads one attachment of a case with its data. Asking for it
// through the case keeps one case's holder from reading another's photos.
func GetAttachment(ctx context.Context, q Q, caseID, id int64) (*Attachment, error) {
	var a Attachment
	err := a.scan(q.QueryRow(ctx, `SELECT `+attachmentCols+`, data FROM attachments WHERE id = ? AND case_id = ?`, id, caseID), &a.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "照片不存在")
	}
	if err != nil {
		return nil, fmt.Errorf("get attachment: %w", err)
	}
	return &a, nil
}

// GetAttachmentThumb loads one attachment of a case with its thumbnail
// instead of its data (Data is then nil when there is no thumbnail), so a
// page of thumbnails never reads the photos themselves.
func GetAttachmentThumb(ctx context.Context, q Q, caseID, id int64) (*Attachment, error) {
	var a Attachment
	err := a.scan(q.QueryRow(ctx, `SELECT `+attachmentCols+`, thumb FROM attachments WHERE id = ? AND case_id = ?`, id, caseID), &a.Thumb)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "照片不存在")
	}
	if err != nil {
		return nil, fmt.Errorf("get attachment thumbnail: %w", err)
	}
	return &a, nil
}
