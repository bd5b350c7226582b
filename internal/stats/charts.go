package stats

import (
	"encoding/json"

	"zhitong/internal/stats/measure"
)

// Charts are the ECharts options of the dashboard's charts, as JSON the
// page puts in a data attribute (internal/web/static/stats.js draws them):
// "trend" always, "compare" when the period is sliced.
func (d *Dashboard) Charts() map[string]string {
	out := map[string]string{}
	labels := make([]string, len(d.Trend))
	series := map[string][]any{}
	lines := TrendSeries
	for i, pt := range d.Trend {
		labels[i] = pt.Label
		for _, k := range lines {
			f, _ := measure.FigureByKey(k)
			if v, ok := f.Value(pt.Counts); ok {
				series[k] = append(series[k], round1(v))
			} else {
				series[k] = append(series[k], nil)
			}
		}
	}
	var ss []map[string]any
	for _, k := range lines {
		f, _ := measure.FigureByKey(k)
		s := map[string]any{"name": f.Label, "type": "line", "data": series[k], "connectNulls": true}
		if f.Kind == measure.KindRate {
			s["yAxisIndex"] = 1
			s["lineStyle"] = map[string]any{"type": "dashed"}
		}
		ss = append(ss, s)
	}
	out["trend"] = js(map[string]any{
		"aria":      map[string]any{"enabled": true},
		"animation": false,
		"title":     map[string]any{"text": "趋势（" + d.Period.Label + "）", "textStyle": map[string]any{"fontSize": 14}},
		"tooltip":   map[string]any{"trigger": "axis"},
		"legend":    map[string]any{"top": 24, "type": "scroll"},
		"grid":      map[string]any{"left": 8, "right": 8, "top": 64, "bottom": 8, "containLabel": true},
		"xAxis":     map[string]any{"type": "category", "data": labels},
		"yAxis":     []any{map[string]any{"type": "value", "name": "件", "minInterval": 1}, map[string]any{"type": "value", "name": "%", "max": 100, "min": 0}},
		"series":    ss,
	})
	if d.Slice != "" && len(d.Rows) > 0 {
		rows := d.Rows
		if len(rows) > 15 {
			rows = rows[:15]
		}
		names := make([]string, len(rows))
		var bars []map[string]any
		for _, k := range []string{"on_time_rate", "solved_rate", "satisfied_rate"} {
			f, _ := measure.FigureByKey(k)
			data := make([]any, len(rows))
			for i, r := range rows {
				names[i] = r.Name
				if v, ok := f.Value(r.Counts); ok {
					data[i] = round1(v)
				}
			}
			bars = append(bars, map[string]any{"name": f.Label, "type": "bar", "data": data})
		}
		out["compare"] = js(map[string]any{
			"aria":      map[string]any{"enabled": true},
			"animation": false,
			"title":     map[string]any{"text": "按" + d.SliceLabel + "对比（%）", "textStyle": map[string]any{"fontSize": 14}},
			"tooltip":   map[string]any{"trigger": "axis"},
			"legend":    map[string]any{"top": 24},
			"grid":      map[string]any{"left": 8, "right": 16, "top": 64, "bottom": 8, "containLabel": true},
			"xAxis":     map[string]any{"type": "value", "max": 100, "min": 0},
			"yAxis":     map[string]any{"type": "category", "data": names, "inverse": true, "axisLabel": map[string]any{"width": 96, "overflow": "truncate"}},
			"series":    bars,
		})
	}
	return out
}

// TrendSeries are the figures the trend chart draws (and its table lists).
var TrendSeries = []string{measure.Received, measure.Replied, measure.Solved, "on_time_rate", "satisfied_rate"}

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }

func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}
