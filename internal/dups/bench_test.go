package dups_test

import (
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/dups"
	"zhitong/internal/testkit"
)

// BenchmarkForDraft is the cost of one look-up with a full candidate set:
// MaxCandidates cases in the same township and window (the query reads at
// most that many rows, whatever the table holds), scored in Go, with the
// township's gazetteer (30 villages) and the category groups read too.
func BenchmarkForDraft(b *testing.B) {
	a, _ := testkit.MustApp(b)
	f := testkit.Seed(b, a)
	texts := []string{"渡江路从菜市场到汽车站一段路灯不亮，晚上黑漆漆的。", "清源村三组自来水浑浊发黄，烧开后有沉淀，不敢喝。",
		"龙洲大道小区门口乱停车，消防通道被堵死。", "新园村卫生室经常没人值班，看个小病都要跑到镇上。", "杨村养猪场粪水直接排进稻田，臭味很大。"}
	// A township's gazetteer: 30 villages, read and searched per look-up.
	for i := range 30 {
		if _, err := a.DB().Exec(b.Context(), `INSERT INTO regions (code, name, parent_code, level) VALUES (?, ?, ?, 5)`,
			f.Town+"2"+itoa(10+i), "第"+itoa(i)+"村村民委员会", f.Town); err != nil {
			b.Fatal(err)
		}
	}
	for i := range dups.MaxCandidates + 100 {
		testkit.Must(a.Submit(b.Context(), zhitong.Citizen, app.IntakeInput{Body: texts[i%len(texts)] + "（第" + itoa(i) + "次反映）", RegionCode: f.Town, Anonymous: true}))(b)
	}
	p := f.In[zhitong.RoleOfficer]
	d := dups.Draft{Region: f.Town, Body: "渡江路农商银行门口路面有坑，电动车摔倒，请修补", Category: "roads", Station: f.Station}
	for b.Loop() {
		testkit.Must(dups.New(a).ForDraft(b.Context(), p, d))(b)
	}
}

func itoa(i int) string {
	s := ""
	for {
		s = string(rune('0'+i%10)) + s
		if i /= 10; i == 0 {
			return s
		}
	}
}
