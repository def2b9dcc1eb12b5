// Package rating records a taxpayer's rating of a visit (评价): a level from 1 to 5 and
// quick reasons, as an anonymous transaction of its own, kept whatever the offline policy
// says. Anonymous as the screen promises: no taxpayer, and nothing that leads to one, so the
// hall counts ratings per service and kiosk, never per person.
package rating
