package duty

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Series is one coloured set of values of a chart, one value per label.
type Series struct {
	Name   string
	Values []float64 // NaN: no value (a gap in a line)
}

// palette is the series' colours: distinguishable, and each meets 3:1 against white (WCAG
// 2.1 for graphics), so the bars read on a printed duty log too.
var palette = []string{"#1f5fa8", "#b5461f", "#2e7d32", "#7b3fa0", "#8a6d00", "#00796b", "#c2185b", "#5d4037"}

// chart geometry, in the viewBox's units; the SVG scales to its container's width.
const (
	chartW, chartH         = 720.0, 260.0
	padL, padR, padT, padB = 44.0, 12.0, 16.0, 58.0
)

// BarChart draws stacked bars: one bar per label, one segment per series, with a legend
// and a y axis from zero. title is the chart's accessible name.
func BarChart(title string, labels []string, series []Series) template.HTML {
	var b strings.Builder
	open(&b, title)
	top := 0.0
	for i := range labels {
		sum := 0.0
		for _, s := range series {
			if i < len(s.Values) && !math.IsNaN(s.Values[i]) {
				sum += s.Values[i]
			}
		}
		top = max(top, sum)
	}
	scale := axis(&b, top)
	if len(labels) > 0 {
		slot := (chartW - padL - padR) / float64(len(labels))
		bw := slot * 0.7
		for i, l := range labels {
			x := padL + slot*float64(i) + (slot-bw)/2
			y := chartH - padB
			for si, s := range series {
				if i >= len(s.Values) || math.IsNaN(s.Values[i]) || s.Values[i] <= 0 {
					continue
				}
				h := s.Values[i] * scale
				y -= h
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s · %s: %s</title></rect>`,
					x, y, bw, h, palette[si%len(palette)], esc(l), esc(s.Name), num(s.Values[i]))
			}
			label(&b, x+bw/2, l, len(labels))
		}
	}
	legend(&b, series)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// LineChart draws one line per series over the labels, from a y axis at zero (lo) to hi, or
// to the largest value when hi is 0. A NaN value leaves a gap.
func LineChart(title string, labels []string, series []Series, hi float64) template.HTML {
	var b strings.Builder
	open(&b, title)
	if hi <= 0 {
		for _, s := range series {
			for _, v := range s.Values {
				if !math.IsNaN(v) {
					hi = max(hi, v)
				}
			}
		}
	}
	scale := axis(&b, hi)
	if n := len(labels); n > 0 {
		slot := (chartW - padL - padR) / float64(n)
		for si, s := range series {
			colour := palette[si%len(palette)]
			var path strings.Builder
			pen := "M"
			for i := 0; i < n && i < len(s.Values); i++ {
				v := s.Values[i]
				if math.IsNaN(v) {
					pen = "M"
					continue
				}
				x, y := padL+slot*(float64(i)+0.5), chartH-padB-v*scale
				fmt.Fprintf(&path, "%s%.1f %.1f ", pen, x, y)
				pen = "L"
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s · %s: %s</title></circle>`,
					x, y, colour, esc(labels[i]), esc(s.Name), num(v))
			}
			if p := strings.TrimSpace(path.String()); p != "" {
				fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="%s" stroke-width="2"/>`, p, colour)
			}
		}
		for i, l := range labels {
			label(&b, padL+slot*(float64(i)+0.5), l, n)
		}
	}
	legend(&b, series)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// open starts the SVG. It names no font: inline in the page it takes the page's, the
// bundled CJK font, which the staff's PCs may not have installed.
func open(b *strings.Builder, title string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s" font-size="12"><title>%s</title>`,
		chartW, chartH, esc(title), esc(title))
}

// axis draws the y axis with at most five gridlines from zero to top, and returns the
// units per value.
func axis(b *strings.Builder, top float64) float64 {
	step := niceStep(top / 5)
	top = math.Max(step, step*math.Ceil(top/step))
	plotH := chartH - padT - padB
	scale := plotH / top
	for v := 0.0; v <= top+step/2; v += step {
		y := chartH - padB - v*scale
		fmt.Fprintf(b, `<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#d0d0d0"/><text x="%.0f" y="%.1f" text-anchor="end" fill="#333">%s</text>`,
			padL, y, chartW-padR, y, padL-6, y+4, num(v))
	}
	fmt.Fprintf(b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#333"/>`, padL, chartH-padB, chartW-padR, chartH-padB)
	return scale
}

// niceStep is 1, 2 or 5 times a power of ten, at least x (and at least 1: counts are whole).
func niceStep(x float64) float64 {
	if x <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x {
			return m * p
		}
	}
	return 10 * p
}

// label writes an x label, thinned out when there are many.
func label(b *strings.Builder, x float64, l string, n int) {
	every := max(1, n/12)
	if n > 12 && int(math.Round((x-padL)/((chartW-padL-padR)/float64(n))-0.5))%every != 0 {
		return
	}
	fmt.Fprintf(b, `<text x="%.1f" y="%.0f" text-anchor="middle" fill="#333">%s</text>`, x, chartH-padB+16, esc(l))
}

func legend(b *strings.Builder, series []Series) {
	x := padL
	for i, s := range series {
		fmt.Fprintf(b, `<rect x="%.0f" y="%.0f" width="12" height="12" fill="%s"/><text x="%.0f" y="%.0f" fill="#333">%s</text>`,
			x, chartH-22, palette[i%len(palette)], x+16, chartH-12, esc(s.Name))
		x += 28 + 7*float64(len([]rune(s.Name)))*1.6
	}
}

func esc(s string) string { return html.EscapeString(s) }

func num(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2f", v)
}
