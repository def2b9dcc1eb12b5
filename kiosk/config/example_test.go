package config_test

import (
	"errors"
	"fmt"

	"taxkiosk/kiosk/config"
)

func ExampleConfig_With() {
	c := config.Default()
	next, err := c.With("idle_timeout", "90s")
	fmt.Println(next.IdleTimeout, err)

	_, err = c.With("printer.baud", "1234")
	var se *config.SettingError
	if errors.As(err, &se) {
		fmt.Println(se.MessageKey, se.Detail)
	}
	// Output:
	// 1m30s <nil>
	// maint.config.bad_value config: printer.baud: must be 9600, 19200, 38400, 57600 or 115200
}
