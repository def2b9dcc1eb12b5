// Package queue issues counter queue tickets (取号) at the kiosk. Numbers come from the
// hall's calling system, so a ticket is only issued online; no ID card is needed, since
// anyone in the hall may queue. The ticket is recorded through the front desk's counter and
// printed; when the record cannot be kept the ticket prints anyway, since the hall has
// already given the number.
package queue
