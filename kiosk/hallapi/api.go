package hallapi

import (
	"time"

	"taxkiosk/kiosk/txn"
)

// HeaderSignature carries base64(Ed25519(body)) of a batch, signed with the key of the kiosk's
// TLS client certificate. The hall keeps the proof that this kiosk sent exactly these bytes.
const HeaderSignature = "Kiosk-Signature"

// Paths of the hall's endpoints.
const (
	PathBatches = "/v1/batches"
	PathHealth  = "/v1/health"
	PathResults = "/v1/results"
)

// Batch is what a kiosk sends: transactions oldest first.
type Batch struct {
	KioskID string    `json:"kiosk_id"`
	Txns    []txn.Txn `json:"txns"`
}

// BatchResponse says, for every transaction in the batch, what became of it. Results are
// given for accepted and duplicate transactions whose result the hall has decided.
type BatchResponse struct {
	Accepted   []string    `json:"accepted"`   // stored by this request
	Duplicates []string    `json:"duplicates"` // stored by an earlier request
	Rejected   []Rejection `json:"rejected"`   // not stored; resending will not help
	Results    []ResultFor `json:"results"`
}

// Rejection is one transaction the hall refused to store. Index is its place in the batch
// (from 0): the kiosk matches by it when ID is empty, which it is when the id itself was
// refused (too long, not UTF-8) and could not be given back as the kiosk holds it.
type Rejection struct {
	ID      string `json:"id"`
	Index   int    `json:"index"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ResultFor is the hall's result for one transaction. Cursor orders results per kiosk for
// /v1/results.
type ResultFor struct {
	ID     string     `json:"id"`
	Result txn.Result `json:"result"`
	Cursor uint64     `json:"cursor,omitempty"`
}

// ResultsPage answers /v1/results: results with a cursor above since, in cursor order. Next
// is the since to ask with next time; More says another page is waiting.
type ResultsPage struct {
	Results []ResultFor `json:"results"`
	Next    uint64      `json:"next"`
	More    bool        `json:"more,omitempty"`
}

// Health answers /v1/health.
type Health struct {
	Status string    `json:"status"` // "ok"
	Time   time.Time `json:"time"`   // the hall's clock, to spot a kiosk whose clock drifted
}

// ErrorBody is the body of every non-2xx answer.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}
