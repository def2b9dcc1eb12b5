// Package sdnotify speaks systemd's notification protocol (sd_notify(3)): READY=1 when a
// service is up, WATCHDOG=1 as its heartbeat, STOPPING=1 and STATUS= lines, each one datagram
// on the unix socket named by $NOTIFY_SOCKET (a path, or an abstract name starting with "@").
// It is written here, without cgo or libsystemd, because the protocol is one sendto(2).
//
// The kiosk runs as a child of the cage compositor, which is the unit's main process, so
// systemd hands the kiosk a $WATCHDOG_PID that is cage's, not its own. go-systemd's
// SdWatchdogEnabled treats that as "the watchdog is not for you"; this package deliberately
// does not: the unit says NotifyAccess=all, and the kiosk is the process whose liveness the
// watchdog is meant to prove. Env clears the variables from the process environment so that
// nothing the kiosk starts can ping on its behalf.
//
// Heartbeat passes every ping through the UI thread (Fyne's fyne.Do): a blocked UI thread
// sends no pings and systemd restarts the kiosk, as sd_event_set_watchdog(3) does for an
// event loop whose handler never returns. A nil *Notifier (no $NOTIFY_SOCKET: started by
// hand or in tests) sends nothing and reports no error.
package sdnotify
