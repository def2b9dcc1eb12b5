package certificate

import (
	"context"
	"errors"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/services/counter"
	"taxkiosk/kiosk/txn"
)

// ErrNotListed: the certificate is not one the hall listed for this taxpayer.
var ErrNotListed = errors.New("certificate: not listed for this taxpayer")

// Counter is the front desk as certificate printing uses it.
type Counter interface {
	Taxpayer() (*txn.Taxpayer, bool)
	Enterprises() []hallapi.Enterprise
	Submit(ctx context.Context, s counter.Submission) (counter.Outcome, error)
	Letterhead() counter.Letterhead
}

// Item is one printable certificate of an enterprise the taxpayer acts for.
type Item struct {
	Enterprise  hallapi.Enterprise
	Certificate hallapi.Certificate
}

// Service prints certificates.
type Service struct {
	c   Counter
	cat *i18n.Catalog
}

// New is the certificate service over counter c; cat holds the certificates' texts.
func New(c Counter, cat *i18n.Catalog) *Service { return &Service{c: c, cat: cat} }

// List is the certificates the hall holds for the taxpayer's enterprises.
func (s *Service) List() []Item {
	var out []Item
	for _, e := range s.c.Enterprises() {
		for _, c := range e.Certificates {
			out = append(out, Item{Enterprise: e, Certificate: c})
		}
	}
	return out
}

// Print records and prints a certificate the hall listed for the current taxpayer; it
// returns the printer's message key when it did not print.
func (s *Service) Print(ctx context.Context, creditCode, certID string, lang i18n.Lang) (printKey string, err error) {
	tp, ok := s.c.Taxpayer()
	if !ok {
		return "", counter.ErrNoSession
	}
	var item *Item
	for _, it := range s.List() {
		if it.Enterprise.CreditCode == creditCode && it.Certificate.ID == certID {
			item = &it
			break
		}
	}
	if item == nil {
		return "", ErrNotListed
	}
	head := s.c.Letterhead()
	out, err := s.c.Submit(ctx, counter.Submission{Kind: txn.KindCertificate, Taxpayer: tp,
		Body: hallapi.CertificateBody{CreditCode: creditCode, CertificateID: certID},
		Receipt: func(t txn.Txn, _ bool) *escpos.Document {
			return paper(s.cat, lang, head, t, item.Certificate, item.Enterprise)
		}})
	return out.PrintKey, err
}

// paper lays out a paid-tax certificate as the hall listed it.
func paper(c *i18n.Catalog, lang i18n.Lang, head counter.Letterhead, t txn.Txn, cert hallapi.Certificate, e hallapi.Enterprise) *escpos.Document {
	T := func(k string, kv ...any) string { return c.T(lang, k, kv...) }
	doc := &escpos.Document{}
	return doc.Title(T("cert.title")).
		Paragraph(head.HallName).
		Separator().
		Pair(T("cert.taxpayer"), counter.EnterpriseName(e, lang)).
		Pair(T("receipt.filer"), e.CreditCode).
		Pair(T("cert.tax_kind"), counter.TextIn(cert.Name, lang)).
		Pair(T("receipt.period"), counter.PeriodCodeText(c, lang, cert.Period)).
		Amount(T("cert.amount"), T("vat.yuan", "amount", cert.Amount.String())).
		Pair(T("cert.paid_on"), cert.PaidOn).
		Pair(T("cert.number"), cert.ID).
		Separator().
		Pair(T("receipt.time"), head.Time(t.CreatedAt)).
		Pair(T("receipt.kiosk"), head.KioskID).
		QR(txn.ReceiptCode(head.KioskID, t.ID), 0).
		Paragraph(T("cert.note")).
		Feed(2).
		Cut()
}
