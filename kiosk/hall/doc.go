// Package hall is the reference tax-hall server the kiosks deliver to: an http.Handler
// speaking package hallapi's wire format over a Store.
//
// Besides the batches, it answers the taxpayer services' reads from a read-only registry
// (package hall/registry; the demo data by default): the enterprises a person may act for,
// an enterprise's approvals, outstanding taxes, certificates and risk reminders, queue
// tickets, and invoice verification. Payments approved at the hall are subtracted from the
// registry's outstanding taxes and become printable certificates; the ledger of them is
// rebuilt from the Store, and a payment batch is decided and committed under one lock, so that
// an item is never paid twice, by a retry or by two kiosks at once. An enterprise's approved
// VAT return with tax payable adds its VAT and surcharges to the outstanding taxes (due on
// the period's statutory day), so the same visit can pay them; a payment of overdue items
// must include their late-payment surcharge (package services/latepay).
//
// It stores each transaction exactly once, deduplicated on (kiosk id, transaction id) for
// ever, not within a time window: a kiosk may resend after a week offline and must still be
// answered "duplicate". For every transaction it stores, the hall decides a result at once
// (Decide lists the rules per kind) and returns it in the batch
// answer and from /v1/results. Transactions it refuses to store (no id, another kiosk's id,
// unknown kind) are listed as rejected with a code, and are not stored.
//
// What the hall refuses for good is refused before anything is stored or parsed further: a
// batch request above Opts.MaxBody (413, by its announced length before reading, else
// after reading at most the limit), with more than Opts.MaxBatch transactions (413, counted
// while decoding, before any transaction is built), or beyond Opts.MaxConcurrent batch
// requests at once (429 with Retry-After). With RequireKiosk the certificate and the
// signature header are checked before the body is read, and the signature over the raw
// bytes before they are parsed. One transaction whose id is longer than MaxIDLen or whose
// text is not valid UTF-8 is listed as rejected ("invalid_txn", "invalid_text") with its
// index in the batch; its text is never rewritten to U+FFFD. Every body is validated
// before the rules (see Decide), and a body refused is stored with its rejected result.
//
// Evidence and sequence: every transaction is stored with the batch it came in, its bytes
// exactly as received and the kiosk's signature over them (Store.Evidence; `hall evidence`).
// A kiosk's seq numbers its transactions 1, 2, 3...; a transaction stored with a seq above
// the next expected one is a gap, and a new transaction with a seq another one holds is a
// repeat: both are recorded as alarms (Store.Alarms; `hall alarms`), never refused, since
// the transaction itself may be genuine. A resend of a stored transaction is a duplicate and
// raises nothing.
//
// The Store keeps personal data sealed with the hall's own key (package seal); the bbolt
// implementation is in hall/boltstore, PostgreSQL in hall/pgstore, and hall/storetest is the
// suite every Store must pass.
//
// Authentication: with Opts.RequireKiosk the hall accepts only kiosks presenting a client
// certificate from its own CA (package hall/certs), only for the kiosk id in that
// certificate, and only batches carrying that certificate's Ed25519 signature. Without it
// (the loopback demo) anyone who can reach the port may post. The services' reads
// (enterprise details, taking a queue ticket, invoice verification) are open to any kiosk
// of the hall's CA. A lookup must name the card session it belongs to (hallapi.Session:
// card read time and the reader's SAM id): one session is one person, a session older than
// the kiosk's latest is a replay, and lookups are limited per kiosk and per ID number
// (Opts.Limits; 429 "rate_limited"). A payment's body names its session too, read near the
// payment's time (rejected "no_session" otherwise, or when a lookup showed the session to
// be another person's). Session times are the kiosk's clock, compared with each other and
// with the kiosk's transaction times, never with the hall's. Unusual patterns (many
// distinct ID numbers from one kiosk, lookups not followed by a transaction of the person,
// refusals) are stored as alarms; ID numbers are held in memory only as keyed hashes.
// Heartbeats (POST /v1/heartbeat, heartbeat.go): each kiosk says how it is every few
// seconds, and the hall keeps the last heartbeat of each (Fleet, which both stores
// implement), opening and ending incidents by FleetRules (out of service, paper out, a
// backlog older than an hour, a certificate ending within 30 days) in the same step; Sweep
// opens a "silent" incident for a kiosk quiet for FleetRules.SilentAfter. A heartbeat comes
// from the kiosk it names, signed, like a batch. Kiosks read the duty leader's
// announcements from GET /v1/notices. Package hall/duty is the duty leader's side of it.
// Calling tickets is a counter's operation: with RequireKiosk no kiosk certificate may
// (403 "staff_only", and an alarm); the counters use Server.Counter. Caveat: enterprise
// details are given by credit code to any kiosk; the person is checked against the
// enterprise only when a transaction arrives (result "not_authorised"), so a kiosk should
// fetch details only for the enterprises a lookup returned. At a request's context deadline (the client went away) the store
// call is abandoned before its commit, or the commit completes and the kiosk's resend is
// answered as a duplicate; either way nothing is stored twice.
package hall
