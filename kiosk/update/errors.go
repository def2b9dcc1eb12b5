package update

import "errors"

var (
	// ErrFormat: the bundle is not a tar archive of the expected layout.
	ErrFormat = errors.New("update: not a firmware bundle")
	// ErrUnsigned: the bundle has no signature.
	ErrUnsigned = errors.New("update: bundle is not signed")
	// ErrSignature: no pinned key verifies the manifest's signature.
	ErrSignature = errors.New("update: bad signature")
	// ErrTampered: a file is missing, extra, or differs from its manifest hash.
	ErrTampered = errors.New("update: bundle content does not match its manifest")
	// ErrDeviceType: the bundle is for another kind of device.
	ErrDeviceType = errors.New("update: bundle is for another device type")
	// ErrNotNewer: the bundle is older than, or the same as, the installed firmware.
	ErrNotNewer = errors.New("update: bundle is not newer than the installed firmware")
	// ErrNoKeys: no public key is pinned in the configuration, so nothing can be verified.
	ErrNoKeys = errors.New("update: no update key configured")
	// ErrPackagedSequence: the package's SEQUENCE file does not hold a number.
	ErrPackagedSequence = errors.New("update: packaged firmware sequence is not a number")
	// ErrNoTrial: MarkGood or Rollback without a version on trial.
	ErrNoTrial = errors.New("update: no version on trial")
)
