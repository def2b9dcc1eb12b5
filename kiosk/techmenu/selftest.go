package techmenu

import (
	"context"
	"errors"
	"strconv"
	"time"
	"unicode/utf8"

	"taxkiosk/drivers/device"
	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/idcard"
	"taxkiosk/drivers/mask"
	"taxkiosk/drivers/scanner"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/jsontime"
	"taxkiosk/kiosk/tech"
)

// Message keys of self-tests beyond the devices' own.
const (
	KeySelfTestNotInMaint = "maint.selftest.not_in_maint"
	KeySelfTestTimeout    = "maint.selftest.timeout"
	KeySelfTestNotFitted  = "maint.selftest.not_fitted"
	KeySelfTestUnknown    = "maint.selftest.unknown_device"
)

// SelfTest tests one device (tech.DeviceIDCard, DevicePrinter, DeviceScanner, DeviceGPIO) and
// records the outcome for the hall. The reader and the scanner are tested only in maintenance,
// when the desk does not use them: a card read or a code scanned then goes to the test, not
// to a taxpayer's session. The card test waits up to Opts.CardWait for a card, the scanner
// test up to Opts.ScanWait for a code; ctx may end either sooner.
func (m *Menu) SelfTest(ctx context.Context, dev string) tech.SelfTest {
	start := m.opts.Now()
	st := tech.SelfTest{Device: dev, At: start}
	switch {
	case dev != tech.DeviceIDCard && dev != tech.DevicePrinter && dev != tech.DeviceScanner && dev != tech.DeviceGPIO:
		st.MessageKey = KeySelfTestUnknown
	case dev != tech.DeviceGPIO && !m.p.Desk.InMaintenance():
		st.MessageKey = KeySelfTestNotInMaint
	case dev == tech.DeviceIDCard:
		st.Fields, st.MessageKey = m.testCard(ctx)
	case dev == tech.DevicePrinter:
		st.MessageKey = m.testPage(ctx)
		st.Fields = []tech.Field{{Label: "paper", Value: string(m.p.Printer.DeviceStatus().Paper)}}
	case dev == tech.DeviceScanner:
		st.Fields, st.MessageKey = m.testScan(ctx)
	case dev == tech.DeviceGPIO:
		if m.p.Cabinet == nil {
			st.MessageKey = KeySelfTestNotFitted
			break
		}
		for _, p := range m.Pins() {
			st.Fields = append(st.Fields, tech.Field{Label: p.Name, Value: pinText(p)})
		}
	}
	st.OK = st.MessageKey == ""
	st.Took = jsontime.Duration(m.opts.Now().Sub(start))
	// Fields are left out of the audit: a card's masked name is still more than the hall
	// needs to know that the reader works.
	m.p.Desk.Audit(ctx, "selftest", map[string]any{"device": dev, "ok": st.OK, "reason": st.MessageKey})
	return st
}

// TestPrint prints the technician's test page and records it for the hall; it returns the
// printer's message key when the page did not print.
func (m *Menu) TestPrint(ctx context.Context) string {
	key := m.testPage(ctx)
	m.p.Desk.Audit(ctx, "test_print", map[string]any{"printed": key == "", "reason": key})
	return key
}

// testCard waits for a card and reads it once. A card already on the reader (the
// technician's, left there after it opened maintenance, or a taxpayer's forgotten one) is
// read where it lies: the reader's find answers "no card" for a card it has read, so the
// test also selects and reads without it before waiting for one to be placed.
func (m *Menu) testCard(ctx context.Context) ([]tech.Field, string) {
	ctx, cancel := context.WithTimeout(ctx, m.opts.CardWait)
	defer cancel()
	for {
		card, err := m.p.Reader.ReadCard(ctx)
		if errors.Is(err, idcard.ErrNoCard) && ctx.Err() == nil {
			card, err = m.p.Reader.ReadPresent(ctx)
		}
		switch {
		case err == nil:
			check := "bad"
			if idcard.ValidIDNumber(card.IDNumber) {
				check = "ok"
			}
			return []tech.Field{
				{Label: "card_type", Value: card.CardType},
				{Label: "name", Value: mask.Name(card.Name)},
				{Label: "id_number", Value: mask.ID(card.IDNumber)},
				{Label: "check_digit", Value: check},
			}, ""
		case ctx.Err() != nil:
			return nil, KeySelfTestTimeout
		case errors.Is(err, idcard.ErrNoCard):
			select { // no card yet: the technician is about to place one
			case <-ctx.Done():
				return nil, KeySelfTestTimeout
			case <-time.After(m.opts.CardPoll):
			}
		default:
			return nil, idcard.NoticeFor(err).Key
		}
	}
}

// testScan takes the next scanned code from the scan loop and describes it without its content.
func (m *Menu) testScan(ctx context.Context) ([]tech.Field, string) {
	ch := make(chan scanner.Code, 1)
	m.scanMu.Lock()
	m.scanTest = ch
	m.scanMu.Unlock()
	defer func() {
		m.scanMu.Lock()
		if m.scanTest == ch {
			m.scanTest = nil
		}
		m.scanMu.Unlock()
	}()
	ctx, cancel := context.WithTimeout(ctx, m.opts.ScanWait)
	defer cancel()
	select {
	case c := <-ch:
		kind := map[scanner.Kind]string{scanner.KindVATInvoice: "invoice", scanner.KindKioskReceipt: "kiosk_receipt"}[c.Kind]
		if kind == "" {
			kind = "other"
		}
		return []tech.Field{{Label: "kind", Value: kind}, {Label: "length", Value: strconv.Itoa(utf8.RuneCountInString(c.Raw))}}, ""
	case <-ctx.Done():
		if s := m.p.Scanner.Status(); s.State != device.Online && s.State != "" {
			return nil, "maint.state." + string(s.State)
		}
		return nil, KeySelfTestTimeout
	}
}

// TakeScan hands a scanned code to a scanner self-test waiting for one and reports whether
// one took it; the scan loop gives the code to the desk when none did.
func (m *Menu) TakeScan(c scanner.Code) bool {
	m.scanMu.Lock()
	ch := m.scanTest
	m.scanTest = nil
	m.scanMu.Unlock()
	if ch == nil {
		return false
	}
	ch <- c // buffered for one; the test that set it takes only one
	return true
}

// testPage prints the technician's test page; it returns the printer's message key when the
// page did not print.
func (m *Menu) testPage(ctx context.Context) string {
	T := func(k string) string { return m.opts.Catalog.T(i18n.ZH, k) }
	d := &escpos.Document{}
	d.Title(T("maint.test_page")).
		Pair(T("receipt.kiosk"), m.p.Config.KioskID).
		Pair(T("receipt.time"), m.opts.Now().Format("2006-01-02 15:04:05")).
		QR("TK1:"+m.p.Config.KioskID+":TEST", 0).
		Feed(2).Cut()
	return m.print(ctx, "test-", d)
}
