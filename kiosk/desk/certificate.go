package desk

import (
	"context"
	"errors"

	"taxkiosk/drivers/escpos"
	"taxkiosk/kiosk/hallapi"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/txn"
)

// CertificateItem is one printable tax payment certificate of an enterprise the taxpayer
// acts for.
type CertificateItem struct {
	Enterprise  hallapi.Enterprise
	Certificate hallapi.Certificate
}

// Certificates lists the certificates the hall holds for the taxpayer's enterprises.
func (d *Desk) Certificates() []CertificateItem {
	var out []CertificateItem
	for _, e := range d.Enterprises() {
		for _, c := range e.Certificates {
			out = append(out, CertificateItem{Enterprise: e, Certificate: c})
		}
	}
	return out
}

// ErrNotListed: the certificate is not one the hall listed for this taxpayer.
var ErrNotListed = errors.New("desk: certificate not listed for this taxpayer")

// PrintCertificate records and prints a tax payment certificate (完税证明) the hall listed for
// the current taxpayer; it returns the printer's message key when it did not print.
func (d *Desk) PrintCertificate(ctx context.Context, creditCode, certID string, lang i18n.Lang) (printKey string, err error) {
	tp, ok := d.sess.Taxpayer()
	if !ok {
		return "", ErrNoSession
	}
	var item *CertificateItem
	for _, it := range d.Certificates() {
		if it.Enterprise.CreditCode == creditCode && it.Certificate.ID == certID {
			item = &it
			break
		}
	}
	if item == nil {
		return "", ErrNotListed
	}
	if dec := d.policyCheck(ServiceCertificate, 0); !dec.Allowed {
		return "", &RefusedError{ReasonKey: dec.ReasonKey}
	}
	t, err := d.accept(ctx, txn.KindCertificate, tp, hallapi.CertificateBody{CreditCode: creditCode, CertificateID: certID})
	if err != nil {
		return "", err
	}
	doc := d.certificateReceipt(t, item.Certificate, item.Enterprise, lang)
	d.submitMu.Lock()
	defer d.submitMu.Unlock()
	_, key := d.print(ctx, &escpos.Job{ID: t.ID, Doc: doc})
	return key, nil
}

// certificateReceipt lays out a paid-tax certificate as the hall listed it.
func (d *Desk) certificateReceipt(t txn.Txn, c hallapi.Certificate, e hallapi.Enterprise, lang i18n.Lang) *escpos.Document {
	T := func(k string, kv ...any) string { return d.opts.Catalog.T(lang, k, kv...) }
	doc := &escpos.Document{}
	return doc.Title(T("cert.title")).
		Paragraph(d.hallName()).
		Separator().
		Pair(T("cert.taxpayer"), EnterpriseName(e, lang)).
		Pair(T("receipt.filer"), e.CreditCode).
		Pair(T("cert.tax_kind"), TextIn(c.Name, lang)).
		Pair(T("receipt.period"), c.Period).
		Amount(T("cert.amount"), T("vat.yuan", "amount", c.Amount.String())).
		Pair(T("cert.paid_on"), c.PaidOn).
		Pair(T("cert.number"), c.ID).
		Separator().
		Pair(T("receipt.time"), t.CreatedAt.In(d.opts.Location).Format("2006-01-02 15:04:05")).
		Pair(T("receipt.kiosk"), d.opts.KioskID).
		QR(txn.ReceiptCode(d.opts.KioskID, t.ID), 0).
		Paragraph(T("cert.note")).
		Feed(2).
		Cut()
}
