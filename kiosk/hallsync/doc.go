// Package hallsync carries transactions from the kiosk's outbox to the hall and brings the
// hall's results back.
//
// One attempt is syncOnce: take up to BatchSize queued records, mark them sending, post them
// as one batch, then acknowledge what the hall stored (accepted or duplicate), record the
// results and rejections it returned, and requeue the rest with the reason. The loop around
// it (Run) owns waiting: it wakes at once on new work (Outbox.Changes) and on Wake; after a
// failure it waits an exponential backoff with jitter (base 500 ms, doubling to at most 30 s,
// the wait drawn from [d/2, d)) and probes the link with the cheap GET /v1/health before
// resending; the first success returns it to instant delivery. Gokrazy's wait loops and
// heartbeat follow the same split.
//
// A batch costs the kiosk two commits whatever its size (MarkSending, then Settle with the
// acknowledgements and results together), which is why batching pays: see BenchmarkDrain.
// While transactions are acknowledged but have no result yet (a hall that decides later),
// Run also pulls GET /v1/results every Opts.ResultsEvery from a cursor kept in the outbox.
//
// Settled signals the hall's answer on one transaction once it is committed to the outbox:
// the front desk's receipt waits on it to say "delivered" instead of asking the outbox over
// and over.
//
// Delivery is at-least-once (a batch whose answer was lost is resent) and the hall
// deduplicates on (kiosk id, transaction id), so every accepted transaction is stored at the
// hall exactly once.
//
// Each HTTP call is bounded by Opts.RequestTimeout and by the context given to Run; when
// Run's context ends, the call in flight is abandoned, its records stay "sending" only until
// requeued on the spot (or, after a crash, until the outbox is next opened), and Run returns
// the context's error. Halt cancels Run started with Start and waits for it to return.
package hallsync
