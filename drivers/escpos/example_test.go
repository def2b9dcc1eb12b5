package escpos_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"taxkiosk/drivers/escpos"
	"taxkiosk/drivers/escpos/escpossim"
	"taxkiosk/drivers/serialport"
)

func ExampleRender() {
	doc := new(escpos.Document).Paragraph("增值税").Cut()
	b, err := escpos.Render(doc, &escpos.RenderOpts{PaperMM: 58})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("% x\n", b)
	// Output:
	// 1b 40 1c 26 d4 f6 d6 b5 cb b0 0a 1d 56 42 00
}

func ExampleDocument_Text() {
	doc := new(escpos.Document).
		Title("完税证明").
		Pair("税种", "增值税").
		Amount("金额", "￥100.00").
		QR("https://etax.example/v?c=1", 0).
		Cut()
	fmt.Print(doc.Text(escpos.Columns58))
	// Output:
	//             完税证明
	// 税种                      增值税
	// 金额                    ￥100.00
	// [QR: https://etax.example/v?c=1]
}

func ExampleParseStatus() {
	// Answers to DLE EOT 1..4 from a printer whose roll ran out.
	st, err := escpos.ParseStatus([]byte{0x3a, 0x32, 0x12, 0x7e})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st)
	fmt.Println(st.Err())
	fmt.Println(escpos.MessageKey(st.Err()))
	// Output:
	// offline paper=end waiting_online
	// escpos: paper out (DLE EOT 1-4: 3a 32 12 7e)
	// printer.paper_out
}

func ExamplePrinter_Print() {
	dir, err := os.MkdirTemp("", "escpos")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sim, err := escpossim.Serve(filepath.Join(dir, "ttyPRN"), &escpossim.Opts{Columns: escpos.Columns58})
	if err != nil {
		log.Fatal(err)
	}
	defer sim.Close()
	p, err := escpos.New(serialport.NewLine(sim.Path(), nil), &escpos.Opts{Render: escpos.RenderOpts{PaperMM: 58}})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	res, err := p.Print(ctx, &escpos.Job{ID: "T-1", Doc: new(escpos.Document).Title("完税证明").Pair("税种", "增值税").Cut()})
	fmt.Println(res.State, err)
	fmt.Print(sim.Receipts()[0].Text)

	sim.SetPaper(escpossim.PaperEnd)
	res, err = p.Print(ctx, &escpos.Job{ID: "T-2", Doc: new(escpos.Document).Paragraph("x").Cut()})
	fmt.Println(res.State, res.Bytes, escpos.MessageKey(err), p.DeviceStatus())
	// Output:
	// printed <nil>
	//             完税证明
	// 税种                      增值税
	// failed 0 printer.paper_out printer: user_error paper=out last_error=paper_out
}
