package staffweb

import (
	"io/fs"
	"regexp"
	"testing"

	"taxkiosk/assets"
	"taxkiosk/kiosk/hall/staff"
	"taxkiosk/kiosk/i18n"
)

// TestTemplateKeysTranslated: every catalogue key a template names, and every key the
// templates build from a value (a role, a state, a business, a service, a screen), is in
// both catalogues, so no page shows a raw key.
func TestTemplateKeysTranslated(t *testing.T) {
	c, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	lit := regexp.MustCompile(`"(staff\.[a-z0-9_.]+)"`)
	n := 0
	fs.WalkDir(templateFS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(templateFS, path)
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			n++
			if !c.Has(m[1]) {
				t.Errorf("%s names %q, which the catalogues lack", path, m[1])
			}
		}
		return nil
	})
	if n < 40 {
		t.Fatalf("only %d keys found in the templates: is the pattern right?", n)
	}
	var built []string
	for _, r := range staff.Roles {
		built = append(built, "staff.role."+string(r))
	}
	for _, s := range []string{staff.HelpWaiting, staff.HelpAccepted, staff.HelpResolved, staff.HelpCancelled} {
		built = append(built, "staff.help."+s)
	}
	for _, s := range []string{"button", "screen"} {
		built = append(built, "staff.help.source."+s)
	}
	for _, b := range staff.Businesses {
		built = append(built, "staff.business."+b)
	}
	for _, s := range []string{"idle", "welcome", "vat", "confirm", "submitting", "result", "error", "scan", "rate", "filer", "code", "pin", "maint", "queue", "cert", "ticket", "scan_help",
		"invoice_enterprise", "invoice_type", "invoice_quantity", "invoice_confirm", "invoice_result", "pay_enterprise", "pay_items", "pay_confirm", "pay_result"} {
		built = append(built, "staff.screen."+s)
		if svc := serviceOfScreen(s); svc != "" {
			built = append(built, "staff.service."+svc)
		}
	}
	built = append(built, "staff.service.none")
	for _, k := range built {
		if !c.Has(k) {
			t.Errorf("the catalogues lack %q", k)
		}
	}
}
