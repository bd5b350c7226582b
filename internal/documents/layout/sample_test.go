package layout

import (
	"os"
	"strings"
	"testing"
	"time"
)

// sample is a 交办函 with every part GB/T 9704-2012 names; paras long
// paragraphs make it run over several pages.
func sample(paras int) Doc {
	body := []Block{
		{Kind: Para, Text: "根据《中华人民共和国全国人民代表大会和地方各级人民代表大会代表法》和本会关于代表联络站建设的有关规定，现将群众反映的问题交你单位办理，请于2026年12月31日前书面答复。"},
		{Kind: Heading1, Text: "基本情况"},
		{Kind: Heading2, Text: "群众反映的问题"},
	}
	for i := range paras {
		_ = i
		body = append(body, Block{Kind: Para, Text: strings.Repeat("群众反映小区周边道路夜间施工噪音扰民，影响休息，希望有关部门依法查处并公开处理结果。", 3)})
	}
	body = append(body,
		Block{Kind: Heading3, Text: "办理要求"},
		Block{Kind: Heading4, Text: "按时答复"},
		Block{Kind: Table, Rows: [][]string{{"序号", "问题", "办理单位"}, {"1", "道路夜间施工噪音扰民", "县住房和城乡建设局"}, {"2", "小区停车位不足", "县公安局交通管理大队"}}},
	)
	return Doc{
		Kind:        "assign",
		Authority:   "定南县人大常委会办公室",
		Number:      "定人大督〔2026〕3号",
		Copy:        "000001",
		Secret:      "",
		Urgency:     "特急",
		Title:       "关于交办群众反映道路夜间施工噪音问题的函",
		Addressee:   "县住房和城乡建设局",
		Body:        body,
		Attachments: []string{"群众来信摘要", "现场照片"},
		Signer:      "定南县人大常委会办公室",
		Date:        time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC),
		CC:          []string{"县人民政府办公室", "县生态环境局"},
		Printer:     "定南县人大常委会办公室",
		PrintDate:   time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC),
		Verify:      &Verify{Code: "K7Q2-9XPM", URL: "https://zhitong.example.cn/v/K7Q2-9XPM"},
	}
}

// needFonts skips a test on a machine without Chinese TrueType fonts,
// unless ZHITONG_FONTS=required (CI installs them).
func needFonts(tb testing.TB) {
	tb.Helper()
	if err := loadedFonts().err; err != nil {
		if os.Getenv("ZHITONG_FONTS") == "required" {
			tb.Fatal(err)
		}
		tb.Skip(err)
	}
}
