package idcardsim_test

import (
	"context"
	"fmt"
	"time"

	"taxkiosk/drivers/idcard"
	"taxkiosk/drivers/idcard/idcardsim"
	"taxkiosk/drivers/serialport"
)

func ExamplePersonas() {
	for _, p := range idcardsim.Personas() {
		fmt.Printf("%-22s %-36s %s\n", p.Key, p.Label, p.Card)
	}
	// Output:
	// resident-male          Resident, male, Han, long-term       resident 张** 4104**********3016
	// resident-female        Resident, female, Hui                resident 马** 4104**********2025
	// resident-elderly       Resident, male, Han, born 1949       resident 李** 4104**********1016
	// hk-resident            Hong Kong resident, residence permit hmt_residence_permit 陈** 8100**********0011
	// foreign-permanent      Foreigner, permanent residence (2017 card) foreign_permanent 史**** CAN4*******2601
	// foreign-permanent-2023 Foreigner, permanent residence (2023 card) foreign_permanent 约***** 9418**********0020
}

// A simulator on a pty, as `kioskctl sim idcard --link PATH` runs it, read by the driver.
func ExampleOpen() {
	sim, err := idcardsim.Open("", &idcardsim.Opts{FindDelay: -1, SelectDelay: -1, ReadDelay: -1})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sim.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go sim.Run(ctx)

	r, _ := idcard.New(serialport.NewLine(sim.Path(), nil), nil)
	defer r.Close()
	_, err = r.ReadCard(ctx)
	fmt.Println(idcard.NoticeFor(err).Key)

	p, _ := idcardsim.PersonaByKey("resident-female")
	sim.Place(p.Card, p.Card.Photo)
	card, _ := r.ReadCard(ctx)
	fmt.Println(card.Gender, card.Nation, sim.Holding())
	// Output:
	// idcard.no_card
	// female 回 true
}
