// Package targeting will hold the people a workspace may reach (pseudonymous
// profiles), the append-only consent ledger with its current-state table, the
// audience specs and their validation, and the one eligibility rule that the
// reach estimate, the push and the feed all use. See DESIGN.md, "Consent and
// targeting rules".
//
// Nothing is implemented here yet.
package targeting
