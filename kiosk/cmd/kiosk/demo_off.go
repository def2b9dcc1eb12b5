//go:build !demo

package main

import (
	"errors"
	"log/slog"

	"fyne.io/fyne/v2"

	"taxkiosk/kiosk/config"
	"taxkiosk/kiosk/i18n"
	"taxkiosk/kiosk/terminal"
)

// errNoDemo: the firmware links no simulator, demo hall or control panel; the demo is the
// same program built with -tags demo (bin/kioskdemo, ./build.sh demo).
var errNoDemo = errors.New("this kiosk is the firmware, built without the demo: run kioskdemo (./build.sh demo)")

// demoRig has no value in the firmware: startDemo always fails, so its methods never run.
type demoRig struct{}

func startDemo(*config.Config, *slog.Logger) (*demoRig, error) { return nil, errNoDemo }

func (*demoRig) configure(*terminal.Opts)               {}
func (*demoRig) panel(fyne.App, i18n.Translator) func() { return func() {} }
func (*demoRig) Close()                                 {}
