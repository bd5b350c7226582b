package app

import (
	"bytes"
	"context"
	"encoding/binary"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// Limits on photos attached to a submission.
const (
	MaxPhotos     = 3
	MaxPhotoBytes = 5 << 20
)

// PhotoInput is one photo as uploaded: its file name (for messages) and bytes.
type PhotoInput struct {
	Name string
	Data []byte
}

// Attachment is a file of a case (a citizen's photo, or one of the kinds of
// internal/attachments), without its bytes unless fetched one by one.
type Attachment struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	Name        string    `json:"name,omitempty"`
	Public      bool      `json:"public"`
	ContentType string    `json:"content_type"`
	Size        int       `json:"size"`
	CreatedAt   time.Time `json:"created_at"`
	Data        []byte    `json:"-"`
}

// cleanPhoto checks that data really is a JPEG, PNG or WebP image, whatever
// its name says, and unless keepLocation removes the metadata that may say
// where and by whom it was taken: Exif (GPS position, camera serial), XMP
// and text comments.
func cleanPhoto(p PhotoInput, keepLocation bool) (contentType string, out []byte, err error) {
	label := "照片"
	if p.Name != "" {
		label = "照片“" + p.Name + "”"
	}
	if len(p.Data) > MaxPhotoBytes {
		return "", nil, zhitong.Invalid("photos", "%s超过 5 MB，请压缩后重新选择", label)
	}
	var clean func([]byte) ([]byte, bool)
	switch {
	case bytes.HasPrefix(p.Data, []byte{0xFF, 0xD8, 0xFF}):
		contentType, clean = "image/jpeg", stripJPEG
	case bytes.HasPrefix(p.Data, pngSignature):
		contentType, clean = "image/png", stripPNG
	case len(p.Data) >= 12 && string(p.Data[0:4]) == "RIFF" && string(p.Data[8:12]) == "WEBP":
		contentType, clean = "image/webp", stripWebP
	default:
		return "", nil, zhitong.Invalid("photos", "%s不是 JPEG、PNG 或 WebP 格式的图片", label)
	}
	out, ok := clean(p.Data)
	if !ok {
		return "", nil, zhitong.Invalid("photos", "%s已损坏或格式不完整，请重新选择", label)
	}
	if keepLocation {
		out = p.Data
	}
	return contentType, out, nil
}

// stripJPEG drops APP1 (Exif and XMP), APP13 (IPTC), comment segments and
// the multi-picture index (MPF), and cuts everything after the end of the
// image, where phones append secondary images that carry their own Exif.
// Only the orientation survives, in an Exif segment of its own, so a photo
// taken upright on a phone still shows upright.
func stripJPEG(b []byte) ([]byte, bool) {
	out := make([]byte, 0, len(b))
	out = append(out, 0xFF, 0xD8)
	i := 2
	for {
		if i >= len(b) || b[i] != 0xFF {
			return nil, false
		}
		for i < len(b) && b[i] == 0xFF { // fill bytes
			i++
		}
		if i >= len(b) {
			return nil, false
		}
		marker := b[i]
		i++
		switch {
		case marker == 0xD9: // end of image
			return append(out, 0xFF, 0xD9), true
		case marker >= 0xD0 && marker <= 0xD7 || marker == 0x01: // no length
			out = append(out, 0xFF, marker)
			continue
		}
		if i+2 > len(b) {
			return nil, false
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 || i+n > len(b) {
			return nil, false
		}
		seg := b[i : i+n]
		drop := marker == 0xE1 || marker == 0xED || marker == 0xFE || marker == 0xE2 && bytes.HasPrefix(seg[2:], []byte("MPF\x00"))
		if o := exifOrientation(seg[2:]); marker == 0xE1 && o > 1 && o <= 8 {
			out = append(out, orientationExif(o)...)
		}
		if !drop {
			out = append(append(out, 0xFF, marker), seg...)
		}
		i += n
		if marker == 0xDA { // start of scan: entropy-coded data up to the next marker
			j := scanEntropy(b, i)
			out = append(out, b[i:j]...)
			if j >= len(b) { // truncated: keep what there is
				return append(out, 0xFF, 0xD9), true
			}
			i = j
		}
	}
}

// exifOrientation reads the Orientation tag (0x0112) of IFD0 from an Exif
// APP1 payload, or 0.
func exifOrientation(p []byte) int {
	if !bytes.HasPrefix(p, []byte("Exif\x00\x00")) || len(p) < 14 {
		return 0
	}
	tiff := p[6:]
	var bo binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	ifd := int(bo.Uint32(tiff[4:8]))
	if ifd < 8 || ifd+2 > len(tiff) {
		return 0
	}
	n := int(bo.Uint16(tiff[ifd:]))
	for k := range n {
		e := ifd + 2 + 12*k
		if e+12 > len(tiff) {
			return 0
		}
		if bo.Uint16(tiff[e:]) == 0x0112 && bo.Uint16(tiff[e+2:]) == 3 {
			return int(bo.Uint16(tiff[e+8:]))
		}
	}
	return 0
}

// orientationExif is a whole APP1 segment holding only an orientation.
func orientationExif(o int) []byte {
	seg := []byte{0xFF, 0xE1, 0, 34}
	seg = append(seg, "Exif\x00\x00MM\x00\x2A\x00\x00\x00\x08"...)
	seg = append(seg, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, byte(o), 0, 0, 0, 0, 0, 0)
	return seg
}

// scanEntropy returns where the entropy-coded data starting at i ends: at the
// next 0xFF that starts a marker, not a stuffed 0xFF00 or a restart marker.
func scanEntropy(b []byte, i int) int {
	for ; i < len(b); i++ {
		if b[i] != 0xFF {
			continue
		}
		k := i + 1
		for k < len(b) && b[k] == 0xFF {
			k++
		}
		if k >= len(b) {
			return len(b)
		}
		if m := b[k]; m != 0x00 && (m < 0xD0 || m > 0xD7) {
			return i
		}
		i = k
	}
	return len(b)
}

var pngSignature = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}

// stripPNG drops the eXIf chunk and the text chunks (tEXt, zTXt, iTXt; XMP
// travels in iTXt).
func stripPNG(b []byte) ([]byte, bool) {
	out := make([]byte, 0, len(b))
	out = append(out, pngSignature...)
	for i := len(pngSignature); ; {
		if i+12 > len(b) {
			return nil, false
		}
		n := int(binary.BigEndian.Uint32(b[i:]))
		end := i + 12 + n
		if n < 0 || n > len(b) || end > len(b) {
			return nil, false
		}
		switch kind := string(b[i+4 : i+8]); kind {
		case "eXIf", "tEXt", "zTXt", "iTXt":
		default:
			out = append(out, b[i:end]...)
			if kind == "IEND" {
				return out, true
			}
		}
		i = end
	}
}

// stripWebP drops the EXIF and XMP chunks and clears their flags in VP8X.
func stripWebP(b []byte) ([]byte, bool) {
	size := int(binary.LittleEndian.Uint32(b[4:]))
	if size < 4 || size+8 > len(b) {
		return nil, false
	}
	b = b[:size+8]
	out := make([]byte, 12, len(b))
	copy(out, b[:12])
	for i := 12; i < len(b); {
		if i+8 > len(b) {
			return nil, false
		}
		n := int(binary.LittleEndian.Uint32(b[i+4:]))
		end := i + 8 + n + n%2
		if n < 0 || end > len(b) {
			return nil, false
		}
		switch kind := string(b[i : i+4]); kind {
		case "EXIF", "XMP ":
		default:
			start := len(out)
			out = append(out, b[i:end]...)
			if kind == "VP8X" && n > 0 {
				out[start+8] &^= 0x08 | 0x04 // Exif and XMP present
			}
		}
		i = end
	}
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out, true
}

// preparePhotos checks and cleans the photos of one submission.
func preparePhotos(photos []PhotoInput, keepLocation bool) ([]store.Attachment, error) {
	if len(photos) > MaxPhotos {
		return nil, zhitong.Invalid("photos", "最多上传 %d 张照片（您选择了 %d 张）", MaxPhotos, len(photos))
	}
	out := make([]store.Attachment, 0, len(photos))
	for _, p := range photos {
		ct, data, err := cleanPhoto(p, keepLocation)
		if err != nil {
			return nil, err
		}
		att := store.Attachment{ContentType: ct, Size: len(data), Data: data}
		if thumb, ok := thumbnail(data); ok {
			att.Thumb = thumb
		}
		out = append(out, att)
	}
	return out, nil
}

// SubmitWithPhotos takes in a case from a citizen online, as Submit does,
// with up to three photos written in the same transaction: either the case
// and all its photos are stored, or nothing is. Photo metadata that may
// reveal where the photo was taken is removed unless shareLocation.
func (a *App) SubmitWithPhotos(ctx context.Context, in IntakeInput, photos []PhotoInput, shareLocation bool) (*zhitong.Case, error) {
	in.Channel, in.ExternalID = zhitong.ChannelOnline, ""
	if in.Answer != "" {
		return nil, zhitong.Invalid("answer", "网上提交不能附带当场解答")
	}
	prepared, err := preparePhotos(photos, shareLocation)
	if err != nil {
		return nil, err
	}
	attach := func(tx *store.Tx, c *zhitong.Case) error {
		for i := range prepared {
			att := prepared[i]
			att.CaseID, att.CreatedAt = c.ID, c.SubmittedAt
			if err := a.InsertAttachment(ctx, tx, &att); err != nil {
				return err
			}
		}
		if in.Then != nil {
			if err := in.Then(tx, c); err != nil {
				return err
			}
		}
		if len(prepared) == 0 {
			return nil
		}
		return a.audit(ctx, tx, zhitong.Citizen, "case.attach", "case:"+strconv.FormatInt(c.ID, 10),
			map[string]any{"code": c.Code, "photos": len(prepared), "location_kept": shareLocation})
	}
	return a.create(ctx, zhitong.Citizen, in, zhitong.StatusSubmitted, attach)
}

// InsertAttachment seals an attachment's bytes (and thumbnail) to its case
// and stores it, in the caller's transaction; the caller audits it.
func (a *App) InsertAttachment(ctx context.Context, tx *store.Tx, att *store.Attachment) error {
	att.Data = []byte(a.sealer.Seal(string(att.Data), store.AttachmentAAD(att.CaseID)))
	att.Name = a.sealer.Seal(att.Name, store.AttachmentNameAAD(att.CaseID))
	if att.Thumb != nil {
		att.Thumb = []byte(a.sealer.Seal(string(att.Thumb), thumbAAD(att.CaseID)))
	}
	return tx.InsertAttachment(ctx, att)
}

// citizenPhoto keeps the photos a citizen attached: what the routes of
// this file list and serve. The other kinds are internal/attachments'.
func citizenPhoto(s *store.Attachment) bool { return s.Kind == store.KindCitizenPhoto }

func thumbAAD(caseID int64) string { return "case:thumb:" + strconv.FormatInt(caseID, 10) }

// ListCaseAttachments lists the attachments of a case that keep accepts,
// without their bytes. It does not authorise: callers do.
func (a *App) ListCaseAttachments(ctx context.Context, caseID int64, keep func(*store.Attachment) bool) ([]Attachment, error) {
	list, err := store.ListAttachments(ctx, a.db, caseID)
	if err != nil {
		return nil, err
	}
	out := make([]Attachment, 0, len(list))
	for i := range list {
		if s := &list[i]; keep(s) {
			v, err := a.attachmentOf(s, nil)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
	}
	return out, nil
}

// attachmentOf is the view of a stored attachment, its name opened.
func (a *App) attachmentOf(s *store.Attachment, data []byte) (Attachment, error) {
	name, err := a.sealer.Open(s.Name, store.AttachmentNameAAD(s.CaseID))
	return Attachment{ID: s.ID, Kind: s.Kind, Name: name, Public: s.Public, ContentType: s.ContentType, Size: s.Size, CreatedAt: s.CreatedAt, Data: data}, err
}

func (a *App) listAttachments(ctx context.Context, caseID int64) ([]Attachment, error) {
	return a.ListCaseAttachments(ctx, caseID, citizenPhoto)
}

func (a *App) openAttachment(ctx context.Context, caseID, id int64, thumb bool) (*Attachment, error) {
	return a.OpenCaseAttachment(ctx, caseID, id, thumb, citizenPhoto)
}

// OpenCaseAttachment returns an attachment of a case with its bytes, when
// keep accepts it (else not found); with thumb, its thumbnail (a JPEG) when
// it has one, else the file. It does not authorise: callers do.
func (a *App) OpenCaseAttachment(ctx context.Context, caseID, id int64, thumb bool, keep func(*store.Attachment) bool) (*Attachment, error) {
	notFound := zhitong.Errorf(zhitong.ENOTFOUND, "附件不存在")
	if thumb {
		s, err := store.GetAttachmentThumb(ctx, a.db, caseID, id)
		if err != nil {
			return nil, err
		}
		if !keep(s) {
			return nil, notFound
		}
		if s.Thumb != nil {
			plain, err := a.sealer.Open(string(s.Thumb), thumbAAD(caseID))
			if err != nil {
				return nil, err
			}
			out, err := a.attachmentOf(s, []byte(plain))
			out.ContentType, out.Size = "image/jpeg", len(plain)
			return &out, err
		}
	}
	s, err := store.GetAttachment(ctx, a.db, caseID, id)
	if err != nil {
		return nil, err
	}
	if !keep(s) {
		return nil, notFound
	}
	plain, err := a.sealer.Open(string(s.Data), store.AttachmentAAD(caseID))
	if err != nil {
		return nil, err
	}
	out, err := a.attachmentOf(s, []byte(plain))
	return &out, err
}

// ViewableCase loads case id through q (the database or a transaction) and
// checks that p may view it: staff within its jurisdiction, a unit it was
// assigned to.
func (a *App) ViewableCase(ctx context.Context, q store.Q, p zhitong.Principal, id int64) (*store.CaseRecord, error) {
	c, err := store.GetCase(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, q, p, zhitong.ActionView, c); err != nil {
		return nil, err
	}
	return c, nil
}

// TrackedCase returns the case with this tracking code, for whoever holds it.
func (a *App) TrackedCase(ctx context.Context, code string) (*store.CaseRecord, error) {
	return a.caseByCode(ctx, code)
}

// Attachments lists the photos of a case for staff who may view it.
func (a *App) Attachments(ctx context.Context, p zhitong.Principal, caseID int64) ([]Attachment, error) {
	if _, err := a.ViewableCase(ctx, a.db, p, caseID); err != nil {
		return nil, err
	}
	return a.listAttachments(ctx, caseID)
}

// AttachmentData returns one photo of a case, with its bytes, for staff
// who may view it; with thumb, its thumbnail.
func (a *App) AttachmentData(ctx context.Context, p zhitong.Principal, caseID, id int64, thumb bool) (*Attachment, error) {
	if _, err := a.Attachments(ctx, p, caseID); err != nil {
		return nil, err
	}
	return a.openAttachment(ctx, caseID, id, thumb)
}

// TrackAttachments lists the photos of the case with this tracking code, for its submitter.
func (a *App) TrackAttachments(ctx context.Context, code string) ([]Attachment, error) {
	c, err := a.caseByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	return a.listAttachments(ctx, c.ID)
}

// TrackAttachment returns one photo, with its bytes, of the case with this
// tracking code; with thumb, its thumbnail.
func (a *App) TrackAttachment(ctx context.Context, code string, id int64, thumb bool) (*Attachment, error) {
	c, err := a.caseByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	return a.openAttachment(ctx, c.ID, id, thumb)
}
