package demo

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"slices"
	"time"

	"zhitong/internal/app"
	"zhitong/internal/store"
)

// The station details of the demo county: 岭北镇's cross-border station
// also serves 龙塘镇, a city deputy of 岭北 also receives at 龙塘's
// station, 历市镇's station has its own rules and a notice on its board,
// and every deputy has a portrait. 鹅公镇's market-day point is the mobile
// one (see stations). The station head account is posted to 历市镇's
// station when accounts load; the officer stays county-wide.

// lishiRules is 历市镇 station's own bulletin-board rules, one a line.
const lishiRules = `每周二、周五上午由进站代表轮流接待群众，节假日顺延。
群众反映的问题当日登记，能当场答复的当场答复。
需要部门办理的，3 个工作日内交办，办理结果向群众和代表同时反馈。
涉及城区建设、交通、教育的问题，每月汇总一次提交县人大常委会。
接待记录和办理结果在本栏按月公示，公示内容不含个人信息。`

const lishiNotice = "本月起每周五下午增设一场“城区建设”专题接待，欢迎群众前来反映。"

// loadStationDetails loads cross-border regions, deputies at several
// stations, photos and bulletin boards. Each step first looks whether it
// was done, so a second run changes nothing.
func (r *runner) loadStationDetails(ctx context.Context) error {
	p, err := r.principal(committee)
	if err != nil {
		return err
	}
	db := r.a.DB()
	r.clk.t = r.now.Add(-58 * time.Second)
	if id := r.stations["lingbei"]; id != 0 {
		codes, err := store.ListStationRegions(ctx, db, id)
		if err != nil {
			return err
		}
		if len(codes) < 2 {
			regions := []string{lingbei, longtang}
			if _, err := r.b.UpdateStation(ctx, p, id, app.StationPatch{Regions: &regions}); err != nil {
				return err
			}
		}
	}
	if st, dep := r.stations["longtang"], r.deputies["卢海燕"]; st != 0 && dep != 0 {
		ids, err := store.DeputyStationIDs(ctx, db, dep)
		if err != nil {
			return err
		}
		if !slices.Contains(ids, st) {
			current, err := store.ListStationDeputies(ctx, db, st)
			if err != nil {
				return err
			}
			list := []int64{dep}
			for _, d := range current {
				list = append(list, d.ID)
			}
			if _, _, err := r.b.SetStationDeputies(ctx, p, st, list); err != nil {
				return err
			}
		}
	}
	if id := r.stations["lishi"]; id != 0 {
		b, err := store.GetStationBulletin(ctx, db, id)
		if err != nil {
			return err
		}
		if b.Rules == "" {
			rules, notice := lishiRules, lishiNotice
			if _, err := r.b.UpdateStation(ctx, p, id, app.StationPatch{Rules: &rules, Notice: &notice}); err != nil {
				return err
			}
		}
	}
	tags, err := store.ListDeputyPhotoTags(ctx, db)
	if err != nil {
		return err
	}
	for i, spec := range deputies {
		id := r.deputies[spec.Name]
		if _, ok := tags[id]; ok || id == 0 {
			continue
		}
		if _, err := r.b.SetDeputyPhoto(ctx, p, id, avatarPNG(i)); err != nil {
			return err
		}
	}
	return nil
}

// avatarPalette holds muted background colours for the portraits.
var avatarPalette = []color.RGBA{
	{0x2f, 0x6f, 0xa8, 0xff}, {0x8a, 0x4b, 0x2e, 0xff}, {0x3f, 0x7d, 0x4e, 0xff}, {0x7a, 0x4f, 0x8f, 0xff},
	{0xa0, 0x3c, 0x3c, 0xff}, {0x35, 0x74, 0x77, 0xff}, {0x8c, 0x6d, 0x1f, 0xff}, {0x4a, 0x55, 0x6b, 0xff},
}

// avatarPNG draws a 96×96 portrait placeholder: a head and shoulders in a
// light tone on a coloured ground, the colour picked by i.
func avatarPNG(i int) []byte {
	const size = 96
	bg := avatarPalette[i%len(avatarPalette)]
	fg := color.RGBA{0xf4, 0xee, 0xe4, 0xff}
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	for y := range size {
		for x := range size {
			dx, hy, by := x-48, y-38, y-100
			head := dx*dx+hy*hy <= 18*18
			shoulders := dx*dx*36*36+by*by*34*34 <= 34*34*36*36
			if head || shoulders {
				img.Set(x, y, fg)
			} else {
				img.Set(x, y, bg)
			}
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img) // writing to memory cannot fail
	return buf.Bytes()
}
