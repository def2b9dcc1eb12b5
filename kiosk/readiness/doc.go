// Package readiness is the opening checklist a technician runs before the hall opens (and
// the kiosk prints on demand): every device online, paper not at its end, the cabinet door
// shut, the hall reachable, nothing stuck in the outbox, storage in service. Each item
// passes, warns or fails, with a translation key for the printed page and the screen; the
// whole passes when no item fails.
package readiness
