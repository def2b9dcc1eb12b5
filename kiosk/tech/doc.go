// Package tech holds what the technician's side of the kiosk reports, shared by the
// maintenance screens (ui/screens), the control socket (kiosk/control, for kioskctl) and the
// menu that produces it (kiosk/techmenu): self-test results, the network check, the
// configuration as editable settings with their change log, the masked log tail and the
// paper counter. It has types only, and Menu, the one interface both the screens and the
// control socket reach the technician's side through, so that every side speaks the same
// JSON and offers the same actions.
//
// Nothing here carries personal data in the clear: a self-test's card fields are masked
// before they are put in a SelfTest, and log lines are masked when they are written.
package tech
