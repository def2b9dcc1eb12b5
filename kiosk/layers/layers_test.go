package layers_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// pkg is one package of the module as go list sees it.
type pkg struct {
	path  string
	dir   string
	deps  map[string]bool
	files []string // non-test Go files, with directory
}

// module lists every package of the module with what it links.
func module(t *testing.T) map[string]pkg {
	t.Helper()
	all, err := listed()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 40 || all["taxkiosk/kiosk/terminal"].path == "" {
		t.Fatalf("go list found %d packages: the checks would prove nothing", len(all))
	}
	return all
}

// listed runs go list once for every test.
var listed = sync.OnceValues(func() (map[string]pkg, error) {
	cmd := exec.Command("go", "list", "-e", "-f", "{{.ImportPath}}|{{.Dir}}|{{join .Deps \",\"}}|{{join .GoFiles \",\"}}", "taxkiosk/...")
	cmd.Env = append(cmd.Environ(), "CGO_ENABLED=1") // the firmware's files as they ship
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	all := map[string]pkg{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "|")
		if len(f) != 4 {
			return nil, fmt.Errorf("go list line %q", line)
		}
		p := pkg{path: f[0], dir: f[1], deps: map[string]bool{}}
		for _, d := range strings.Split(f[2], ",") {
			p.deps[d] = true
		}
		for _, g := range strings.Split(f[3], ",") {
			if g != "" {
				p.files = append(p.files, filepath.Join(f[1], g))
			}
		}
		all[p.path] = p
	}
	return all, nil
})

// linked lists the deps of p that match.
func linked(p pkg, match func(string) bool) []string {
	var out []string
	for d := range p.deps {
		if match(d) {
			out = append(out, d)
		}
	}
	return out
}

func isHall(path string) bool {
	return path == "taxkiosk/kiosk/hall" || strings.HasPrefix(path, "taxkiosk/kiosk/hall/")
}

// hallSide are the packages that are, or exist to run, the hall: they may link it.
func hallSide(path string) bool {
	return isHall(path) || path == "taxkiosk/kiosk/cmd/hall" || path == "taxkiosk/kiosk/demo" ||
		path == "taxkiosk/ui/simpanel" || path == "taxkiosk/kiosk/terminal/terminaltest" ||
		path == "taxkiosk/kiosk/services/counter/countertest" // its taxpayers come from the demo registry
}

func TestDriversImportNoKiosk(t *testing.T) {
	for path, p := range module(t) {
		if !strings.HasPrefix(path, "taxkiosk/drivers/") {
			continue
		}
		if bad := linked(p, func(d string) bool {
			return strings.HasPrefix(d, "taxkiosk/kiosk/") || strings.HasPrefix(d, "taxkiosk/ui/")
		}); len(bad) > 0 {
			t.Errorf("%s links %v: drivers sit below the kiosk", path, bad)
		}
	}
}

func TestKioskLinksNoHall(t *testing.T) {
	for path, p := range module(t) {
		if hallSide(path) || !strings.HasPrefix(path, "taxkiosk/") {
			continue
		}
		if bad := linked(p, isHall); len(bad) > 0 {
			t.Errorf("%s links %v: the kiosk reaches the hall over the wire only (hallapi, mtls)", path, bad)
		}
	}
}

func TestValidationLinksNoStorage(t *testing.T) {
	all := module(t)
	for _, path := range []string{"taxkiosk/kiosk/config", "taxkiosk/kiosk/policy", "taxkiosk/kiosk/txn", "taxkiosk/kiosk/tech"} {
		p, ok := all[path]
		if !ok {
			t.Fatalf("%s not found", path)
		}
		if bad := linked(p, func(d string) bool {
			return strings.HasPrefix(d, "go.etcd.io/bbolt") || d == "taxkiosk/kiosk/outbox"
		}); len(bad) > 0 {
			t.Errorf("%s links %v: validation must not need storage", path, bad)
		}
	}
}

// TestOneJSONDuration: kiosk/jsontime is the only Duration type.
func TestOneJSONDuration(t *testing.T) {
	for path, p := range module(t) {
		if path == "taxkiosk/kiosk/jsontime" {
			continue
		}
		for _, file := range p.files {
			f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.TYPE {
					continue
				}
				for _, s := range g.Specs {
					if ts := s.(*ast.TypeSpec); ts.Name.Name == "Duration" {
						t.Errorf("%s declares its own Duration; use jsontime.Duration", file)
					}
				}
			}
		}
	}
}

// TestTerminalHandsOutNoParts: the assembled kiosk is reached through its methods, not by
// reaching through exported fields to its parts.
func TestTerminalHandsOutNoParts(t *testing.T) {
	p := module(t)["taxkiosk/kiosk/terminal"]
	found := false
	for _, file := range p.files {
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok || ts.Name.Name != "Terminal" {
				return true
			}
			found = true
			for _, fl := range ts.Type.(*ast.StructType).Fields.List {
				for _, name := range fl.Names {
					if name.IsExported() {
						t.Errorf("Terminal exports field %s", name.Name)
					}
				}
				if len(fl.Names) == 0 {
					t.Errorf("Terminal embeds %v, exporting its methods", fl.Type)
				}
			}
			return false
		})
	}
	if !found {
		t.Fatal("no Terminal type in kiosk/terminal")
	}
}

// TestKioskctlOneParserOneClient: kioskctl reads command lines with parseArgs and opens the
// control socket in kioskFlags.ask, both in cli.go, and nowhere else.
func TestKioskctlOneParserOneClient(t *testing.T) {
	p := module(t)["taxkiosk/kiosk/cmd/kioskctl"]
	for _, file := range p.files {
		base := filepath.Base(file)
		if base == "cli.go" {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				if sel, ok := n.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Client" && isIdent(sel.X, "control") {
					t.Errorf("%s makes its own control.Client: ask the kiosk through kioskFlags.ask", base)
				}
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "NewFlagSet" && isIdent(sel.X, "flag") {
					t.Errorf("%s parses flags itself: use parseArgs", base)
				}
			}
			return true
		})
	}
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}
