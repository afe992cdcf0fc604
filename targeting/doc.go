// Package targeting decides who may be reached. It holds the first two steps
// of the pipeline (DESIGN.md): the people a workspace may reach and the one
// rule that turns an audience spec into the set of eligible people.
//
// Profiles are pseudonymous. A phone number is normalised to E.164 with a
// maintained numbering library (a national number is read in the row's
// country) and then replaced by HMAC-SHA256 under a key derived from the
// server secret and the workspace id; an external id is treated the same
// way. Raw numbers are never stored or logged, and a copy of the database
// alone cannot be used to test numbers against the references.
//
// Consent is an append-only ledger (consent_events) with a current-state
// table (consent_state) and, on each profile, bit masks of the granted,
// legitimately-interested and withdrawn purposes. All three change in one
// transaction in RecordConsentTx, and a statement that repeats the current
// state appends nothing, so imports are idempotent. Purposes are numbered as
// IAB TCF v2.2; a TC string (DecodeTCString) states the whole choice, and a
// purpose it does not grant is recorded as not granted.
//
// Eligibility lives in eligibility.go and nowhere else. compile() turns a
// spec, the workspace's settings and a moment into SQL conditions; the
// estimate counts people per first exclusion reason with them, Explain
// evaluates each condition for one person, and Eligible returns the query the
// push uses with INSERT … SELECT. The conditions read the consent masks on
// the profile row rather than joining the state table. For the estimate the
// same conditions run over profile_cells and interest_cells (migrations 3
// and 5): live people counted by every attribute the rule reads, kept exact
// by triggers in the transaction of every change, so that a reach estimate
// over a million people reads thousands of rows. Specs with several
// interests read the matching profile_interests rows, which carry the same
// attributes (migration 6), one row per person.
//
// Withdrawal, objection and erasure call the RevocationHooks inside the
// transaction that records them, so that the delivery work can revoke live
// placements atomically with the change. Erasure deletes the person's
// attributes, interests and consent records and leaves a tombstone row
// without a reference (so counts elsewhere stay meaningful) plus an erasure
// record that says when and by whom, not what.
//
// Special categories of personal data (GDPR Art. 9) are data, not code: each
// interest in the workspace's list has a category, and Validate refuses any
// spec that uses a special one (DSA Art. 26(3)); imports refuse to store
// them on profiles at all.
package targeting
