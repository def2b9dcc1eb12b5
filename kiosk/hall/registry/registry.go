package registry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"taxkiosk/kiosk/creditcode"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/money"
)

// File is the registry's data as Go values or JSON.
type File struct {
	Version     string               `json:"version"`
	People      []Person             `json:"people"`
	Enterprises []hallapi.Enterprise `json:"enterprises"` // Role left empty
	// Invoices are the invoices the hall knows, with their full check codes.
	Invoices []hallapi.InvoiceQuery `json:"invoices"`
}

// Person is one ID number and the enterprises it may act for.
type Person struct {
	Label    string `json:"label"` // not personal data: e.g. the simulator persona's key
	IDNumber string `json:"id_number"`
	Links    []Link `json:"links"`
}

// Link is a person's role for one enterprise.
type Link struct {
	CreditCode string `json:"credit_code"`
	Role       string `json:"role"` // hallapi.Role...
}

// Registry is a checked, read-only File.
type Registry struct {
	version  string
	people   map[string][]Link
	ents     map[string]hallapi.Enterprise
	invoices map[string]hallapi.InvoiceQuery // by invoiceKey
}

// New checks f and indexes it.
func New(f File) (*Registry, error) {
	r := &Registry{
		version:  f.Version,
		people:   make(map[string][]Link, len(f.People)),
		ents:     make(map[string]hallapi.Enterprise, len(f.Enterprises)),
		invoices: make(map[string]hallapi.InvoiceQuery, len(f.Invoices)),
	}
	for _, e := range f.Enterprises {
		if err := checkEnterprise(e); err != nil {
			return nil, err
		}
		if _, dup := r.ents[e.CreditCode]; dup {
			return nil, fmt.Errorf("%w: enterprise %s listed twice", ErrInvalid, e.CreditCode)
		}
		e.Role = ""
		r.ents[e.CreditCode] = clone(e)
	}
	for i, p := range f.People {
		who := fmt.Sprintf("person %d (%s)", i, p.Label)
		if strings.TrimSpace(p.IDNumber) == "" {
			return nil, fmt.Errorf("%w: %s has no ID number", ErrInvalid, who)
		}
		if _, dup := r.people[p.IDNumber]; dup {
			return nil, fmt.Errorf("%w: %s: ID number listed before", ErrInvalid, who)
		}
		seen := map[string]bool{}
		for _, l := range p.Links {
			if _, ok := r.ents[l.CreditCode]; !ok {
				return nil, fmt.Errorf("%w: %s: unknown enterprise %s", ErrInvalid, who, l.CreditCode)
			}
			switch l.Role {
			case hallapi.RoleLegalRepresentative, hallapi.RoleFinancialOfficer, hallapi.RoleTaxAgent:
			default:
				return nil, fmt.Errorf("%w: %s: role %q", ErrInvalid, who, l.Role)
			}
			if seen[l.CreditCode] {
				return nil, fmt.Errorf("%w: %s: enterprise %s linked twice", ErrInvalid, who, l.CreditCode)
			}
			seen[l.CreditCode] = true
		}
		r.people[p.IDNumber] = slices.Clone(p.Links)
	}
	for _, inv := range f.Invoices {
		if _, err := money.Parse(inv.Amount); err != nil || inv.InvoiceNumber == "" || !validDate(inv.Date, "20060102") {
			return nil, fmt.Errorf("%w: invoice %s/%s: number, amount or date", ErrInvalid, inv.InvoiceCode, inv.InvoiceNumber)
		}
		k := invoiceKey(inv.InvoiceCode, inv.InvoiceNumber)
		if _, dup := r.invoices[k]; dup {
			return nil, fmt.Errorf("%w: invoice %s/%s listed twice", ErrInvalid, inv.InvoiceCode, inv.InvoiceNumber)
		}
		r.invoices[k] = inv
	}
	return r, nil
}

func checkEnterprise(e hallapi.Enterprise) error {
	if err := creditcode.Check(e.CreditCode); err != nil {
		return fmt.Errorf("%w: enterprise %q: %w", ErrInvalid, e.CreditCode, err)
	}
	bad := func(what string, args ...any) error {
		return fmt.Errorf("%w: enterprise %s: %s", ErrInvalid, e.CreditCode, fmt.Sprintf(what, args...))
	}
	if e.Name == "" {
		return bad("no name")
	}
	if e.FilingPeriod != hallapi.FilingMonthly && e.FilingPeriod != hallapi.FilingQuarterly {
		return bad("filing period %q", e.FilingPeriod)
	}
	types := map[string]bool{}
	for _, a := range e.Approvals {
		if a.TypeCode == "" || types[a.TypeCode] || a.MaxPerCollection <= 0 || a.MaxAmount <= 0 {
			return bad("approval %q: type listed twice, or a limit not above zero", a.TypeCode)
		}
		types[a.TypeCode] = true
	}
	ids := map[string]bool{}
	for _, t := range e.Outstanding {
		if t.ID == "" || ids[t.ID] || t.Amount <= 0 || t.TaxKind == "" || !validDate(t.Due, time.DateOnly) {
			return bad("tax item %q: id listed twice, amount not above zero, or bad due date", t.ID)
		}
		ids[t.ID] = true
	}
	for _, c := range e.Certificates {
		if c.ID == "" || ids[c.ID] || c.Amount <= 0 || !validDate(c.PaidOn, time.DateOnly) {
			return bad("certificate %q: id listed twice, amount not above zero, or bad date", c.ID)
		}
		ids[c.ID] = true
	}
	for _, m := range e.Reminders {
		if m.Code == "" || m.Message.ZH == "" || m.Message.EN == "" {
			return bad("risk reminder %q without code or message", m.Code)
		}
	}
	return nil
}

func validDate(s, layout string) bool {
	t, err := time.Parse(layout, s)
	return err == nil && t.Format(layout) == s
}

// Demo is the built-in demonstration registry (DemoFile).
func Demo() *Registry {
	r, err := New(DemoFile())
	if err != nil {
		panic(err) // DemoFile is constant data that TestDemo checks
	}
	return r
}

// Load reads a registry from a JSON File.
func Load(path string) (*Registry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRead, err)
	}
	var f File
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, path, err)
	}
	return New(f)
}

// Version names the data, e.g. "demo-2026-12".
func (r *Registry) Version() string { return r.version }

// String is safe for logs: counts only.
func (r *Registry) String() string {
	return fmt.Sprintf("registry(%s: %d people, %d enterprises, %d invoices)", r.version, len(r.people), len(r.ents), len(r.invoices))
}

// Lookup returns the enterprises the holder of idNumber may act for, in the registry's
// order, each with Role set. Unknown people get none.
func (r *Registry) Lookup(idNumber string) []hallapi.Enterprise {
	links := r.people[idNumber]
	out := make([]hallapi.Enterprise, 0, len(links))
	for _, l := range links {
		e := clone(r.ents[l.CreditCode])
		e.Role = l.Role
		out = append(out, e)
	}
	return out
}

// Enterprise returns the enterprise with credit code code.
func (r *Registry) Enterprise(code string) (hallapi.Enterprise, bool) {
	e, ok := r.ents[code]
	if !ok {
		return hallapi.Enterprise{}, false
	}
	return clone(e), true
}

// Role returns the role of the holder of idNumber for the enterprise code, ok false when they
// may not act for it.
func (r *Registry) Role(idNumber, code string) (role string, ok bool) {
	for _, l := range r.people[idNumber] {
		if l.CreditCode == code {
			return l.Role, true
		}
	}
	return "", false
}

// VerifyInvoice checks q against the known invoices: found by invoice code and number, then
// every other field compared. Amounts compare as decimals ("20000" equals "20000.00"); a
// 6-digit check code is compared with the last six digits of the known one.
func (r *Registry) VerifyInvoice(q hallapi.InvoiceQuery) hallapi.Verification {
	known, ok := r.invoices[invoiceKey(strings.TrimSpace(q.InvoiceCode), strings.TrimSpace(q.InvoiceNumber))]
	if !ok {
		return hallapi.Verification{Result: hallapi.InvoiceNotFound, Fields: []string{}, Message: hallapi.Text{
			ZH: "查无此票：税务机关没有这张发票的记录。", EN: "Not found: the tax authority has no record of this invoice."}}
	}
	fields := []string{}
	if strings.TrimSpace(q.TypeCode) != known.TypeCode {
		fields = append(fields, "type_code")
	}
	a, err := money.Parse(q.Amount)
	if b, _ := money.Parse(known.Amount); err != nil || a != b {
		fields = append(fields, "amount")
	}
	if strings.TrimSpace(q.Date) != known.Date {
		fields = append(fields, "date")
	}
	if !checkCodeMatches(strings.TrimSpace(q.CheckCode), known.CheckCode) {
		fields = append(fields, "check_code")
	}
	if len(fields) > 0 {
		return hallapi.Verification{Result: hallapi.InvoiceMismatch, Fields: fields, Message: hallapi.Text{
			ZH: "不一致：发票信息与税务机关的记录不符。", EN: "Mismatch: the invoice differs from the tax authority's record."}}
	}
	return hallapi.Verification{Result: hallapi.InvoiceGenuine, Fields: fields, Message: hallapi.Text{
		ZH: "查验一致：这是税务机关记录的发票。", EN: "Genuine: the invoice matches the tax authority's record."}}
}

func checkCodeMatches(typed, known string) bool {
	switch {
	case known == "":
		return typed == ""
	case len(typed) == 6:
		return strings.HasSuffix(known, typed)
	}
	return typed == known
}

func invoiceKey(code, number string) string { return code + "/" + number }

func clone(e hallapi.Enterprise) hallapi.Enterprise {
	if e.Agreement != nil {
		a := *e.Agreement
		e.Agreement = &a
	}
	e.Approvals = nonNil(e.Approvals)
	e.Outstanding = nonNil(e.Outstanding)
	e.Certificates = nonNil(e.Certificates)
	e.Reminders = nonNil(e.Reminders)
	return e
}

// nonNil copies s, giving an empty slice for nil so that JSON lists are never null.
func nonNil[S ~[]E, E any](s S) S {
	return append(make(S, 0, len(s)), s...)
}
