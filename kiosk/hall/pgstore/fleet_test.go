package pgstore

import (
	"testing"

	"taxkiosk/kiosk/hall"
	"taxkiosk/kiosk/hall/storetest"
)

func TestFleetSuite(t *testing.T) {
	dsn(t)
	storetest.RunFleet(t, func(t *testing.T) hall.Store { return open(t) })
}
