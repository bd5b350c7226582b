package layout

import (
	"strings"
	"testing"
	"time"
)

// TestSignatureTakesOnlyTheLastParagraph: a short 督办函 whose signature
// does not fit under its body keeps its body on page 1 and carries only
// the last paragraph (特此函告。) over with the signature and the 版记;
// the body does not jump to page 2.
func TestSignatureTakesOnlyTheLastParagraph(t *testing.T) {
	needFonts(t)
	d := Doc{Kind: "supervise", Authority: "龙南市人大常委会代表工作委员会", Number: "龙人大督〔2026〕1号", Title: "关于督办群众意见建议的函", Addressee: "龙南市住房和城乡建设局",
		Body: []Block{
			{Kind: Para, Text: "我委交由你单位办理的群众意见建议“幸福路路灯不亮”（查询码 FFDC-79D4-6G6S），办理期限为2026年12月28日。请你单位抓紧办理，按期办结，书面答复人大机关并反馈群众。"},
			{Kind: Para, Text: "督办事项：x"},
			{Kind: Para, Text: "特此函告。"},
		},
		Signer: "龙南市人大常委会代表工作委员会", Date: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC),
		Printer: "龙南市人大常委会办公室", PrintDate: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC),
		Verify: &Verify{Code: "K7Q2-9XPM", URL: "https://zhitong.example.cn/v/K7Q2-9XPM"}}
	lo, err := lay(d)
	if err != nil {
		t.Fatal(err)
	}
	if len(lo.pages) != 2 {
		t.Fatalf("%d pages, want 2", len(lo.pages))
	}
	on := func(i int) string {
		var b strings.Builder
		for _, l := range lo.pages[i].lines {
			b.WriteString(l.text + "|")
		}
		return b.String()
	}
	if p1, p2 := on(0), on(1); !strings.Contains(p1, "督办事项：x") || !strings.HasPrefix(p2, "特此函告。|") || !strings.Contains(p2, "印发") {
		t.Errorf("page 1 %s\npage 2 %s", p1, p2)
	}
}
