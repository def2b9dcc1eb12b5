package txn

import "taxkiosk/drivers/mask"

// MaskName is mask.Name, under the name the desk's receipts and screens call it by.
//
// Deprecated: use mask.Name; this stays until the desk's services are moved over.
func MaskName(name string) string { return mask.Name(name) }

// MaskID is mask.ID, under the name the desk's receipts and screens call it by.
//
// Deprecated: use mask.ID; this stays until the desk's services are moved over.
func MaskID(id string) string { return mask.ID(id) }
