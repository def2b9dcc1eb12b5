// Package clocktest is a fake clock.Clock for tests: time stands still until the test moves
// it with Advance, which fires every ticker and timer that falls due on the way, in order.
// Tests then wait on what the code under test does (an event, a channel), never sleep.
package clocktest
