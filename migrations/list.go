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
	{Version: 2, Name: "targeting", SQL: `
CREATE TABLE targeting_settings (
	workspace_id BIGINT PRIMARY KEY REFERENCES workspaces (id),
	legitimate_interest BOOLEAN NOT NULL DEFAULT FALSE,
	unknown_age_is_adult BOOLEAN NOT NULL DEFAULT FALSE,
	min_cell_size INTEGER NOT NULL DEFAULT 10,
	updated_at {{TS}} NOT NULL
);
CREATE TABLE profiles (
	id {{ID}},
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	ref TEXT NOT NULL,
	ref_kind TEXT NOT NULL,
	country TEXT NOT NULL DEFAULT '',
	region TEXT NOT NULL DEFAULT '',
	language TEXT NOT NULL DEFAULT '',
	birth_year INTEGER,
	granted_mask INTEGER NOT NULL DEFAULT 0,
	li_mask INTEGER NOT NULL DEFAULT 0,
	withdrawn_mask INTEGER NOT NULL DEFAULT 0,
	objected_at {{TS}},
	erased_at {{TS}},
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL
);
CREATE UNIQUE INDEX profiles_ref_key ON profiles (workspace_id, ref);
CREATE INDEX profiles_geo_idx ON profiles (workspace_id, country, language, region);
CREATE TABLE interests (
	id {{ID}},
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	name TEXT NOT NULL,
	category TEXT NOT NULL,
	created_at {{TS}} NOT NULL
);
CREATE UNIQUE INDEX interests_name_key ON interests (workspace_id, name);
CREATE TABLE profile_interests (
	workspace_id BIGINT NOT NULL,
	profile_id BIGINT NOT NULL REFERENCES profiles (id),
	interest_id BIGINT NOT NULL REFERENCES interests (id),
	PRIMARY KEY (workspace_id, profile_id, interest_id)
);
CREATE INDEX profile_interests_interest_idx ON profile_interests (workspace_id, interest_id, profile_id);
CREATE TABLE consent_events (
	id {{ID}},
	workspace_id BIGINT NOT NULL,
	profile_id BIGINT NOT NULL REFERENCES profiles (id),
	purpose INTEGER NOT NULL,
	granted BOOLEAN NOT NULL,
	legal_basis TEXT NOT NULL,
	source TEXT NOT NULL,
	notice_version TEXT NOT NULL DEFAULT '',
	evidence TEXT NOT NULL DEFAULT '',
	actor TEXT NOT NULL,
	occurred_at {{TS}} NOT NULL,
	created_at {{TS}} NOT NULL
);
CREATE INDEX consent_events_profile_idx ON consent_events (workspace_id, profile_id, id);
CREATE TABLE consent_state (
	workspace_id BIGINT NOT NULL,
	profile_id BIGINT NOT NULL REFERENCES profiles (id),
	purpose INTEGER NOT NULL,
	granted BOOLEAN NOT NULL,
	legal_basis TEXT NOT NULL,
	event_id BIGINT NOT NULL,
	occurred_at {{TS}} NOT NULL,
	PRIMARY KEY (workspace_id, profile_id, purpose, legal_basis)
);
CREATE TABLE audiences (
	id {{ID}},
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	name TEXT NOT NULL,
	spec {{JSON}} NOT NULL,
	tier TEXT NOT NULL,
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL
);
CREATE UNIQUE INDEX audiences_name_key ON audiences (workspace_id, name);
CREATE TABLE erasures (
	id {{ID}},
	workspace_id BIGINT NOT NULL,
	profile_id BIGINT NOT NULL,
	via TEXT NOT NULL,
	actor TEXT NOT NULL,
	created_at {{TS}} NOT NULL
);
CREATE INDEX erasures_workspace_idx ON erasures (workspace_id, created_at);
CREATE TABLE import_jobs (
	id {{ID}},
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	status TEXT NOT NULL,
	format TEXT NOT NULL,
	filename TEXT NOT NULL DEFAULT '',
	total_bytes BIGINT NOT NULL DEFAULT 0,
	processed_bytes BIGINT NOT NULL DEFAULT 0,
	rows_seen BIGINT NOT NULL DEFAULT 0,
	imported BIGINT NOT NULL DEFAULT 0,
	updated BIGINT NOT NULL DEFAULT 0,
	unchanged BIGINT NOT NULL DEFAULT 0,
	failed BIGINT NOT NULL DEFAULT 0,
	message TEXT NOT NULL DEFAULT '',
	actor TEXT NOT NULL,
	created_at {{TS}} NOT NULL,
	finished_at {{TS}}
);
CREATE INDEX import_jobs_workspace_idx ON import_jobs (workspace_id, created_at);
CREATE TABLE import_errors (
	workspace_id BIGINT NOT NULL,
	job_id BIGINT NOT NULL REFERENCES import_jobs (id),
	line BIGINT NOT NULL,
	col TEXT NOT NULL,
	message TEXT NOT NULL,
	PRIMARY KEY (workspace_id, job_id, line, col)
);
`},
}

