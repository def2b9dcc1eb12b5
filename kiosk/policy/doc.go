// Package policy decides, before a taxpayer starts a service, whether the kiosk may take it
// while the hall is unreachable: the offline limits of offline card payments (Stripe Terminal
// and Square cap the count, age and sum of stored payments) and of offline invoicing, per
// service.
//
// A service's Rule has one of three modes:
//
//	offline_ok       taken whether or not the hall answers
//	online_only      taken only while the hall answers (payments: money must not wait)
//	offline_limited  taken offline while what already waits for the hall for this service
//	                 stays within max_queued transactions, max_offline_age (age of the oldest
//	                 waiting one) and max_offline_amount (sum of their amounts plus this one)
//
// Online, every mode allows (the queue is draining). Services without a rule follow Default,
// which is online_only unless configured: an unknown service must not pile up offline.
//
// Check is pure: it reads a Snapshot (SnapshotOf builds one from the outbox's PendingByKind,
// the sync loop's online flag and the clock) and returns a Decision whose ReasonKey is a
// translation key for the screen ("policy.online_only", "policy.too_many_queued",
// "policy.offline_too_long", "policy.offline_amount", "policy.out_of_service"). The amount is
// often unknown before the taxpayer starts: check with zero then (it refuses when a limit is
// already used up) and again with the amount just before committing.
//
// The JSON form (Policy) is what kiosk/config embeds; Validate reports the first bad field.
package policy
