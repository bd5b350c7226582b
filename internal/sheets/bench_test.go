package sheets_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"zhitong/internal/sheets"
)

// BenchmarkImport10kDeputies imports a workbook of 10,000 deputies, each
// posted to a station, into a fresh database: reading the file, every
// check, one transaction, an audit entry per row.
//
//	go test -run '^$' -bench Import10k -benchtime 1x ./internal/sheets/
func BenchmarkImport10kDeputies(b *testing.B) {
	rows := make([][]string, 10000)
	for i := range rows {
		rows[i] = []string{fmt.Sprintf("代表%05d", i), "县、乡镇", "360728100", fmt.Sprintf("第%d选区", i%40+1), "历市镇人大代表联络站", ""}
	}
	data := book(b, headers(b, "deputies"), rows...)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b)
		b.StartTimer()
		rep, err := e.s.Import(context.Background(), e.committee(), "deputies", bytes.NewReader(data), sheets.Options{})
		if err != nil || !rep.Written || rep.Added != len(rows) {
			b.Fatalf("import: %v %+v", err, rep.Problems)
		}
	}
	b.ReportMetric(float64(len(rows))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
