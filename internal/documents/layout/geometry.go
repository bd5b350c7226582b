package layout

// The numbers of GB/T 9704-2012 (党政机关公文格式), in millimetres and
// points. docs/documents-layout.md lists them with the clause they come from.
const (
	PageW = 210.0 // A4
	PageH = 297.0

	Top   = 37.0 // 天头 (上白边) 37 mm ± 1 mm
	Left  = 28.0 // 订口 (左白边) 28 mm ± 1 mm
	TypeW = 156.0
	TypeH = 225.0 // 版心 156 mm × 225 mm

	Right  = PageW - Left - TypeW // 26 mm
	Bottom = PageH - Top - TypeH  // 35 mm

	LinesPerPage = 22 // 每面排 22 行
	CharsPerLine = 28 // 每行排 28 个字

	LinePitch = TypeH / LinesPerPage // 10.227 mm from one line to the next
	CharPitch = TypeW / CharsPerLine // 5.571 mm from one character to the next

	ptMM = 25.4 / 72 // one point in millimetres

	size3  = 16.0 // 3号: body, addressee, 发文字号, signer, date
	size2  = 22.0 // 2号: title
	size4  = 14.0 // 4号: 版记, page numbers, table cells
	markMM = 15.0 // height of the 发文机关标志's characters (the standard leaves it to the issuer)

	markTop      = 35.0 // 发文机关标志 top edge below the type area's top edge
	ruleBelow    = 4.0  // 红色分隔线 4 mm below the 发文字号
	ruleWidth    = 0.5  // its thickness (not fixed by the standard)
	thickRule    = 0.35 // 版记 first and last rules
	thinRule     = 0.25 // 版记 rules between
	pageNumBelow = 7.0  // 一字线 7 mm below the type area's bottom edge
	sealR        = 21.0 // room kept for a 42 mm seal
	qrMM         = 18.0 // the verification QR code's side
)

// lineTop is the top edge of grid line i (0..21) of the type area.
func lineTop(i int) float64 { return Top + float64(i)*LinePitch }

// baseline of a line set in size pt on grid line i: the em box is centred
// in the line, and the baseline sits 0.88 em below the em box's top.
func baseline(i int, size float64) float64 {
	em := size * ptMM
	return lineTop(i) + (LinePitch-em)/2 + 0.88*em
}
