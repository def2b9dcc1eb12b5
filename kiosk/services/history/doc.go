// Package history is what a returning taxpayer finds on the welcome screen: their
// transactions of the last 30 days at this kiosk (VAT returns, invoice applications,
// payments), where each stands, what the hall said, and whether its receipt never printed
// in full, in which case it is printed again from the printer journal through the front
// desk's counter. Only the identified taxpayer's own transactions are listed or reprinted.
package history
