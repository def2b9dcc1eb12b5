package techpages

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"taxkiosk/assets"
	"taxkiosk/drivers/device"
	"taxkiosk/drivers/gpio"
	"taxkiosk/kiosk/i18n"
)

// driverErrorCodes reads, from the drivers' source, every error code a device can report as
// its last error: the code argument of each Fail/fail call, and what escpos's code() returns.
// Reading the source rather than keeping a list here means a new code cannot be added
// without its words.
func driverErrorCodes(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../drivers/*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	lit := func(e ast.Expr) {
		if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
			if s, err := strconv.Unquote(b.Value); err == nil && s != "" {
				seen[s] = true
			}
		}
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if filepath.Ext(f) != ".go" || len(f) > 8 && f[len(f)-8:] == "_test.go" {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				var name string
				switch fn := n.Fun.(type) {
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				case *ast.Ident:
					name = fn.Name
				}
				if (name == "Fail" || name == "fail") && len(n.Args) >= 2 {
					lit(n.Args[1])
				}
			case *ast.FuncDecl:
				if n.Name.Name == "code" && n.Recv == nil && n.Body != nil {
					ast.Inspect(n.Body, func(m ast.Node) bool {
						if r, ok := m.(*ast.ReturnStmt); ok && len(r.Results) == 1 {
							lit(r.Results[0])
						}
						return true
					})
				}
			}
			return true
		})
	}
	var out []string
	for c := range seen {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// TestEveryDeviceWordTranslated: what the board and the self-tests show of a device (its last
// error's code, a cabinet line's name, the paper's level) is in words in both languages,
// never a code such as paper_out or tower_light.
func TestEveryDeviceWordTranslated(t *testing.T) {
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	codes := driverErrorCodes(t)
	if len(codes) < 10 {
		t.Fatalf("found only %v in the drivers: the source reading has broken", codes)
	}
	var keys []string
	for _, c := range codes {
		keys = append(keys, "maint.error."+c)
	}
	for _, line := range []string{string(gpio.Presence), string(gpio.Door), string(gpio.Help), "tower_light"} {
		keys = append(keys, "maint.gpio."+line)
	}
	for _, p := range []device.Paper{device.PaperFull, device.PaperLow, device.PaperOut, device.PaperJammed} {
		keys = append(keys, "maint.value."+string(p))
	}
	for _, k := range keys { // i18n.Load refuses a key one language lacks
		if !cat.Has(k) {
			t.Errorf("%s has no text", k)
		}
	}
}
