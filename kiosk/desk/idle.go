package desk

// Idle reports the moment a firmware switch may take: no taxpayer's session, no card left
// on the reader after one, not in maintenance and no technician at the PIN pad. The kiosk
// restarts at once after a switch, so a session that began a moment before would be lost:
// callers also require the idle screen, and switch only when both hold.
func (d *Desk) Idle() bool {
	return !d.sess.Active() && !d.cardLeft.Load() && !d.maint.Load() && !d.awaitTech.Load()
}
