// Package notices keeps the hall's announcements on the kiosk (a bbolt file of its own,
// DATA/notices.db), so that the idle screen goes on rotating them while the hall cannot be
// reached: the sync loop's beacon (hallsync.Beacon) replaces the whole list whenever the
// hall answers, and the screen asks for the notices current by the kiosk's clock.
//
// A notice holds no personal data; the file is not sealed. A list the hall gave is stored
// in one commit, so a power cut leaves the old list or the new one. A damaged file is
// ErrCorrupt at Open: the kiosk then runs without notices rather than without service.
package notices
