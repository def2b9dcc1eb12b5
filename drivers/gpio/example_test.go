package gpio_test

import (
	"context"
	"fmt"

	pgpio "periph.io/x/conn/v3/gpio"

	"taxkiosk/drivers/gpio"
	"taxkiosk/drivers/gpio/gpiosim"
)

// Simulated pins stand in for the kiosk's wiring; on the kiosk, main passes
// gpio.OpenHostPins(names) instead.
func Example() {
	door := gpiosim.NewPin("GPIO27", 27, pgpio.High) // a normally closed switch to ground: high = open
	tower := gpiosim.NewPin("GPIO23", 23, pgpio.Low)
	aux, err := gpio.New(gpio.Pins{Door: door, TowerLight: tower}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer aux.Halt()

	st, _ := aux.Inputs(context.Background())
	fmt.Println("door open at start:", st.DoorOpen)

	door.Set(pgpio.Low) // the technician closes the cabinet
	e := <-aux.Events()
	fmt.Println(e.Input, e.Active)

	_ = aux.SetTowerLight(gpio.TowerOn)
	fmt.Println(aux, tower.Read())
	// Output:
	// door open at start: true
	// door false
	// gpio(door=GPIO27 tower=GPIO23) High
}
