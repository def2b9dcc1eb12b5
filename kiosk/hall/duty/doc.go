// Package duty is the duty leader's (值班领导) side of the hall: the board of every kiosk
// from its last heartbeat (state, devices, paper, backlog, version, certificate, offline
// since), the alarms with their acknowledgements, the day's workload and ratings drawn as
// SVG on the server, the day's duty log (值班日志) as a page and a CSV, and the
// announcements the kiosks' idle screens rotate.
//
// It reads and writes through Source, the hall's store with its duty side (hall.Fleet), and
// knows nothing of HTTP but in pages.go, where it registers its pages on the staff web
// application. Alarms come from three places and are named so that an acknowledgement
// sticks: incidents the hall derives from heartbeats ("i:" + the incident's id), tamper
// transactions ("t:" + kiosk/transaction) and the hall's stored alarms ("a:" + a hash of
// the alarm, which never changes).
//
// No page or CSV carries an ID number: the hall's stores keep them sealed and these pages
// never open a Taxpayer (Fleet.Between leaves it nil); help calls carry masked names only;
// and what people type (notes, notices) is passed through MaskIDs before it is stored.
// Times are shown in the hall's zone (China Standard Time); the day is the hall's day.
package duty
