package idcard_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"taxkiosk/drivers/idcard"
	"taxkiosk/drivers/idcard/idcardsim"
	"taxkiosk/drivers/serialport"
)

func ExampleEncodeRequest() {
	fmt.Printf("% X\n", idcard.EncodeRequest(idcard.CmdCard, idcard.ParaFind, nil))
	// Output: AA AA AA 96 69 00 03 20 01 22
}

func ExampleReadResponse() {
	// Line noise, then the module's "no card" answer.
	in := []byte{0x00, 0xAA, 0x13, 0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00, 0x80, 0x84}
	resp, err := idcard.ReadResponse(bytes.NewReader(in))
	if err != nil {
		fmt.Println(err)
		return
	}
	err = resp.Err(idcard.CmdCard, idcard.ParaFind)
	fmt.Printf("SW3=%02X no card: %v\n", resp.SW3, errors.Is(err, idcard.ErrNoCard))
	fmt.Println(idcard.NoticeFor(err).Key)
	// Output:
	// SW3=80 no card: true
	// idcard.no_card
}

func ExampleCheckDigit() {
	d, _ := idcard.CheckDigit("11010519491231002")
	fmt.Printf("%c %v\n", d, idcard.ValidIDNumber("11010519491231002X"))
	// Output: X true
}

func ExampleReader_ReadCard() {
	sim, _ := idcardsim.Open("", &idcardsim.Opts{Persona: "resident-male", FindDelay: -1, SelectDelay: -1, ReadDelay: -1})
	defer sim.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go sim.Run(ctx)

	r, _ := idcard.New(serialport.NewLine(sim.Path(), nil), nil)
	defer r.Close()
	card, err := r.ReadCard(ctx)
	if err != nil {
		fmt.Println(idcard.NoticeFor(err).Key)
		return
	}
	fmt.Println(card) // masked
	j, _ := json.Marshal(struct {
		Nation, ValidTo string
		Photo           int
	}{card.Nation, card.ValidTo, len(card.Photo)})
	fmt.Println(string(j))

	// The card must be lifted before the next read; Present tells when it is.
	_, err = r.ReadCard(ctx)
	on, _ := r.Present(ctx)
	fmt.Println(errors.Is(err, idcard.ErrNoCard), on)
	fmt.Println(r.Status())
	// Output:
	// resident 张** 4104**********3016
	// {"Nation":"汉","ValidTo":"长期","Photo":1024}
	// true true
	// idcard: online
}
