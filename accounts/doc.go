// Package accounts knows who is acting: workspaces (the tenants, each a
// brand that is the controller of its audience data), users and their
// memberships with a role per workspace, browser sessions, API tokens for
// machines, and the audit log that records every change to workspace data.
//
// Every other domain package depends on accounts for identities only. Nothing
// here knows about HTTP: the web package turns cookies and bearer headers into
// calls of Service and maps the errors declared in errors.go to responses.
//
// Secrets are never stored in the clear. Session ids, API tokens, invitation
// and setup tokens are kept as SHA-256 hashes (they are long random values, so
// a fast hash suffices); passwords are bcrypt hashes. Login attempts are
// counted per account and per address in the database so that the limit holds
// across restarts and across instances.
//
// Changes go through Service methods that write the audit entry in the same
// transaction as the change, taking the actor from the context (WithActor).
package accounts
