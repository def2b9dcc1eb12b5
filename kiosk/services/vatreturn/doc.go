// Package vatreturn is the small-scale taxpayer's VAT return (增值税及附加税费申报表（小规模纳
// 税人适用）) as the kiosk accepts it: the tax period, sales by rate and exempt sales, and the
// tax payable computed exactly in fen. The zero return (零申报), every sales line 0.00, is the
// thin path every kiosk must serve.
//
// Periods: a monthly filer files for the previous calendar month, a quarterly filer for the
// previous calendar quarter; the statutory window is the first 15 days of the following month
// (extended by holidays, which the hall decides, so the kiosk does not refuse late filings).
package vatreturn
