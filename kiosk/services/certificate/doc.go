// Package certificate prints the tax payment certificates (完税证明) the hall holds for the
// enterprises a taxpayer acts for. Each print is a transaction through the front desk's
// counter, so the hall knows which certificate was printed where; the paper is the
// certificate as the hall listed it, with the kiosk's QR code to verify it.
package certificate
