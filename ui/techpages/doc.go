// Package techpages is the technician's side of the touchscreen, over tech.Menu (the same
// actions kioskctl reaches over the control socket): the PIN pad that the hidden gesture or
// the cabinet door opens, and the maintenance menu with device status (board.go),
// self-tests and the cabinet's inputs and outputs (selftest.go), the outbox and its export,
// the network check (network.go), configuration on an on-screen keyboard (config.go), the
// log's tail (logs.go), the paper counter and the opening checklist.
//
// Pages draws into a host window (package screens' App) through the Host interface and
// reaches the kiosk core only through Gate and Technician. Work that waits on hardware, the
// disk or the network runs off the UI thread, one job at a time, and comes back through
// Host.Do; an answer for a page the technician has left is dropped. Everything a visit
// typed or read (a setting half typed, a self-test's masked card fields) is forgotten when
// maintenance is entered or left.
package techpages
