// Package seal protects personal data at rest with AES-256-GCM (NIST SP 800-38D).
//
// A Key is 32 random bytes kept in a file readable by the kiosk's user only (mode 0600). The
// file is created at first start; a key file anyone else could read, or of the wrong size, is
// refused rather than repaired, because either means the key may already be compromised or is
// not the key the data was sealed with.
//
// Sealed data is nonce (12 bytes) || ciphertext || tag (16 bytes). Callers pass additional
// authenticated data (aad) naming the record, typically the kiosk and transaction ids, so that
// a sealed blob copied from one record into another fails to open instead of attributing one
// taxpayer's data to another's transaction.
//
// Caveats: losing the key file makes every sealed record unreadable (that is the point);
// back it up with the same care as the data. Nonces are random, which is safe far beyond the
// number of records a kiosk or a hall will ever seal with one key (NIST's 2^32 limit).
// Nothing here waits on hardware or network, so no call takes a context.
package seal
