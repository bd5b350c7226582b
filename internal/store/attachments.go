package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"zhitong"
)

// Attachment is a file attached to a case: a photo a citizen took of the
// problem. Data is what is stored (internal/app seals and opens it); lists
// leave it empty.
type Attachment struct {
	ID          int64
	CaseID      int64
	ContentType string
	Size        int
	Data        []byte
	Thumb       []byte // sealed small JPEG, nil when the photo could not be decoded
	CreatedAt   time.Time
}

// InsertAttachment stores an attachment and sets its id.
func (t *Tx) InsertAttachment(ctx context.Context, a *Attachment) error {
	var thumb any
	if a.Thumb != nil {
		thumb = a.Thumb
	}
	err := t.QueryRow(ctx, `INSERT INTO attachments (case_id, content_type, size, data, thumb, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		a.CaseID, a.ContentType, a.Size, a.Data, thumb, FormatTime(a.CreatedAt)).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("insert attachment: %w", err)
	}
	return nil
}

// ListAttachments returns a case's attachments in upload order, without their data.
func ListAttachments(ctx context.Context, q Q, caseID int64) ([]Attachment, error) {
	rows, err := q.Query(ctx, `SELECT id, case_id, content_type, size, created_at FROM attachments WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("list attachments: %w", err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		var at string
		if err := rows.Scan(&a.ID, &a.CaseID, &a.ContentType, &a.Size, &at); err != nil {
			return nil, err
		}
		a.CreatedAt = ParseTime(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// GetAttachment loads one attachment of a case with its data. Asking for it
// through the case keeps one case's holder from reading another's photos.
func GetAttachment(ctx context.Context, q Q, caseID, id int64) (*Attachment, error) {
	var a Attachment
	var at string
	err := q.QueryRow(ctx, `SELECT id, case_id, content_type, size, data, created_at FROM attachments WHERE id = ? AND case_id = ?`, id, caseID).
		Scan(&a.ID, &a.CaseID, &a.ContentType, &a.Size, &a.Data, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "照片不存在")
	}
	if err != nil {
		return nil, fmt.Errorf("get attachment: %w", err)
	}
	a.CreatedAt = ParseTime(at)
	return &a, nil
}

// GetAttachmentThumb loads one attachment of a case with its thumbnail
// instead of its data (Data is then nil when there is no thumbnail), so a
// page of thumbnails never reads the photos themselves.
func GetAttachmentThumb(ctx context.Context, q Q, caseID, id int64) (*Attachment, error) {
	var a Attachment
	var at string
	err := q.QueryRow(ctx, `SELECT id, case_id, content_type, size, thumb, created_at FROM attachments WHERE id = ? AND case_id = ?`, id, caseID).
		Scan(&a.ID, &a.CaseID, &a.ContentType, &a.Size, &a.Thumb, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "照片不存在")
	}
	if err != nil {
		return nil, fmt.Errorf("get attachment thumbnail: %w", err)
	}
	a.CreatedAt = ParseTime(at)
	return &a, nil
}
