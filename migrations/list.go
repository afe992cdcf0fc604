package migrations

// list is append-only. Every tenant-owned table carries workspace_id, and
// every index a tenant's query uses leads with it (see DESIGN.md, Data).
var list = []Migration{
	{Version: 1, Name: "accounts", SQL: `
CREATE TABLE workspaces (
	id {{ID}},
	name TEXT NOT NULL,
	advertiser_name TEXT NOT NULL,
	payer_name TEXT NOT NULL,
	time_zone TEXT NOT NULL,
	currency TEXT NOT NULL,
	locale TEXT NOT NULL,
	is_demo BOOLEAN NOT NULL DEFAULT FALSE,
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL
);
CREATE TABLE users (
	id {{ID}},
	email TEXT NOT NULL,
	name TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	locale TEXT NOT NULL DEFAULT '',
	disabled_at {{TS}},
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE TABLE memberships (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	user_id BIGINT NOT NULL REFERENCES users (id),
	role TEXT NOT NULL,
	created_at {{TS}} NOT NULL,
	disabled_at {{TS}},
	PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);
CREATE TABLE sessions (
	id_hash TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users (id),
	workspace_id BIGINT NOT NULL,
	created_at {{TS}} NOT NULL,
	last_seen_at {{TS}} NOT NULL,
	expires_at {{TS}} NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
CREATE TABLE login_attempts (
	attempt_key TEXT PRIMARY KEY,
	failures INTEGER NOT NULL,
	window_start {{TS}} NOT NULL,
	locked_until {{TS}}
);
CREATE TABLE invitations (
	id {{ID}},
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	email TEXT NOT NULL,
	role TEXT NOT NULL,
	token_hash TEXT NOT NULL,
	created_by BIGINT NOT NULL,
	created_at {{TS}} NOT NULL,
	expires_at {{TS}} NOT NULL,
	accepted_at {{TS}},
	revoked_at {{TS}}
);
CREATE UNIQUE INDEX invitations_token_key ON invitations (token_hash);
CREATE INDEX invitations_workspace_idx ON invitations (workspace_id, created_at);
CREATE TABLE api_tokens (
	id {{ID}},
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	name TEXT NOT NULL,
	prefix TEXT NOT NULL,
	token_hash TEXT NOT NULL,
	scopes TEXT NOT NULL,
	created_by BIGINT,
	created_at {{TS}} NOT NULL,
	last_used_at {{TS}},
	revoked_at {{TS}}
);
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
CREATE INDEX api_tokens_workspace_idx ON api_tokens (workspace_id, created_at);
CREATE TABLE audit_entries (
	id {{ID}},
	workspace_id BIGINT NOT NULL,
	actor_type TEXT NOT NULL,
	actor_id BIGINT,
	actor_label TEXT NOT NULL,
	action TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id TEXT NOT NULL,
	before_data {{JSON}},
	after_data {{JSON}},
	request_id TEXT NOT NULL DEFAULT '',
	created_at {{TS}} NOT NULL
);
CREATE INDEX audit_entries_workspace_idx ON audit_entries (workspace_id, created_at, id);
CREATE TABLE setup_tokens (
	token_hash TEXT PRIMARY KEY,
	created_at {{TS}} NOT NULL,
	used_at {{TS}}
);
`},
}
