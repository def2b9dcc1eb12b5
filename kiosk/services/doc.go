// Package services assembles the taxpayer services over one front desk: each service is a
// package of its own below this one (filing, invoice, payment, certificate, queue, rating,
// scan, history), with its rules, its receipt layout and its tests, and reaches the desk only through
// the small Counter interface it declares. The rules the hall shares live in vatreturn and
// latepay; what every service is handed by the desk lives in counter.
package services
