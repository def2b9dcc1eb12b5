// Package countertest is an in-process fake of the front desk's counter for the services'
// tests: it keeps the desk's order (the service's check, the offline policy, the commit,
// the receipt) without a reader, a printer, storage or a hall, and records what each service
// handed in, so that a service's rules and receipt layout are tested in milliseconds. The
// end-to-end tests beside each service run the real desk on real bbolt files and simulators.
package countertest
