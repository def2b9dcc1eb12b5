// Package hall is the reference tax-hall server the kiosks deliver to: an http.Handler
// speaking package hallapi's wire format over a Store.
//
// It stores each transaction exactly once, deduplicated on (kiosk id, transaction id) for
// ever, not within a time window: a kiosk may resend after a week offline and must still be
// answered "duplicate". For every transaction it stores, the hall decides a result at once
// (Decide: a "vat_return" is approved with code "accepted") and returns it in the batch
// answer and from /v1/results. Transactions it refuses to store (no id, another kiosk's id,
// unknown kind) are listed as rejected with a code, and are not stored.
//
// The Store keeps personal data sealed with the hall's own key (package seal); the bbolt
// implementation is in hall/boltstore, PostgreSQL in hall/pgstore, and hall/storetest is the
// suite every Store must pass.
//
// Authentication: with Opts.RequireKiosk the hall accepts only kiosks presenting a client
// certificate from its own CA (package hall/certs), only for the kiosk id in that
// certificate, and only batches carrying that certificate's Ed25519 signature. Without it
// (the loopback demo) anyone who can reach the port may post. The signature is verified,
// not archived. At a request's context deadline (the client went away) the store
// call is abandoned before its commit, or the commit completes and the kiosk's resend is
// answered as a duplicate; either way nothing is stored twice.
package hall
