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
	// Version 3 keeps profile_cells: live profiles counted by every
	// attribute the eligibility rule reads except interests. Triggers keep
	// it exact in the transaction of every profile change, whatever code
	// path made it, so that a reach estimate reads thousands of cells
	// instead of millions of profiles.
	{Version: 3, Name: "profile cells", Postgres: `
CREATE TABLE profile_cells (
	workspace_id BIGINT NOT NULL,
	country TEXT NOT NULL,
	region TEXT NOT NULL,
	language TEXT NOT NULL,
	birth_year INTEGER,
	birth_key INTEGER NOT NULL,
	granted_mask INTEGER NOT NULL,
	li_mask INTEGER NOT NULL,
	withdrawn_mask INTEGER NOT NULL,
	objected BOOLEAN NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (workspace_id, country, region, language, birth_key, granted_mask, li_mask, withdrawn_mask, objected)
)
--;
CREATE FUNCTION profile_cells_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE'
		AND (OLD.erased_at IS NULL) = (NEW.erased_at IS NULL)
		AND (OLD.objected_at IS NULL) = (NEW.objected_at IS NULL)
		AND OLD.country = NEW.country AND OLD.region = NEW.region AND OLD.language = NEW.language
		AND OLD.birth_year IS NOT DISTINCT FROM NEW.birth_year
		AND OLD.granted_mask = NEW.granted_mask AND OLD.li_mask = NEW.li_mask AND OLD.withdrawn_mask = NEW.withdrawn_mask THEN
		RETURN NULL;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.erased_at IS NULL THEN
		INSERT INTO profile_cells (workspace_id, country, region, language, birth_year, birth_key, granted_mask, li_mask, withdrawn_mask, objected, n) VALUES (OLD.workspace_id, OLD.country, OLD.region, OLD.language, OLD.birth_year, COALESCE(OLD.birth_year, 0), OLD.granted_mask, OLD.li_mask, OLD.withdrawn_mask, OLD.objected_at IS NOT NULL, -1)
		ON CONFLICT (workspace_id, country, region, language, birth_key, granted_mask, li_mask, withdrawn_mask, objected) DO UPDATE SET n = profile_cells.n + EXCLUDED.n;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.erased_at IS NULL THEN
		INSERT INTO profile_cells (workspace_id, country, region, language, birth_year, birth_key, granted_mask, li_mask, withdrawn_mask, objected, n) VALUES (NEW.workspace_id, NEW.country, NEW.region, NEW.language, NEW.birth_year, COALESCE(NEW.birth_year, 0), NEW.granted_mask, NEW.li_mask, NEW.withdrawn_mask, NEW.objected_at IS NOT NULL, 1)
		ON CONFLICT (workspace_id, country, region, language, birth_key, granted_mask, li_mask, withdrawn_mask, objected) DO UPDATE SET n = profile_cells.n + EXCLUDED.n;
	END IF;
	RETURN NULL;
END
$$
--;
CREATE TRIGGER profiles_cells AFTER INSERT OR UPDATE OR DELETE ON profiles FOR EACH ROW EXECUTE FUNCTION profile_cells_apply()
--;
INSERT INTO profile_cells (workspace_id, country, region, language, birth_year, birth_key, granted_mask, li_mask, withdrawn_mask, objected, n)
SELECT workspace_id, country, region, language, birth_year, COALESCE(birth_year, 0), granted_mask, li_mask, withdrawn_mask, objected_at IS NOT NULL, COUNT(*)
FROM profiles WHERE erased_at IS NULL
GROUP BY workspace_id, country, region, language, birth_year, granted_mask, li_mask, withdrawn_mask, objected_at IS NOT NULL`, SQLite: `
CREATE TABLE profile_cells (
	workspace_id BIGINT NOT NULL,
	country TEXT NOT NULL,
	region TEXT NOT NULL,
	language TEXT NOT NULL,
	birth_year INTEGER,
	birth_key INTEGER NOT NULL,
	granted_mask INTEGER NOT NULL,
	li_mask INTEGER NOT NULL,
	withdrawn_mask INTEGER NOT NULL,
	objected INTEGER NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (workspace_id, country, region, language, birth_key, granted_mask, li_mask, withdrawn_mask, objected)
)
--;
CREATE TRIGGER profiles_cells_insert AFTER INSERT ON profiles WHEN NEW.erased_at IS NULL BEGIN
	INSERT INTO profile_cells (workspace_id, country, region, language, birth_year, birth_key, granted_mask, li_mask, withdrawn_mask, objected, n) VALUES (NEW.workspace_id, NEW.country, NEW.region, NEW.language, NEW.birth_year, COALESCE(NEW.birth_year, 0), NEW.granted_mask, NEW.li_mask, NEW.withdrawn_mask, NEW.objected_at IS NOT NULL, 1)
	ON CONFLICT (workspace_id, country, region, language, birth_key, granted_mask, li_mask, withdrawn_mask, objected) DO UPDATE SET n = n + excluded.n;
END
--;
CREATE TRIGGER profiles_cells_delete AFTER DELETE ON profiles WHEN OLD.erased_at IS NULL BEGIN
	INSERT INTO profile_cells (workspace_id, country, region, language, birth_year, birth_key, granted_mask, li_mask, withdrawn_mask, objected, n) VALUES (OLD.workspace_id, OLD.country, OLD.region, OLD.language, OLD.birth_year, COALESCE(OLD.birth_year, 0), OLD.granted_mask, OLD.li_mask, OLD.withdrawn_mask, OLD.objected_at IS NOT NULL, -1)
	ON CONFLICT (workspace_id, country, region, language, birth_key, granted_mask, li_mask, withdrawn_mask, objected) DO UPDATE SET n = n + excluded.n;
END
--;
CREATE TRIGGER profiles_cells_update AFTER UPDATE ON profiles
WHEN NOT ((OLD.erased_at IS NULL) = (NEW.erased_at IS NULL) AND (OLD.objected_at IS NULL) = (NEW.objected_at IS NULL)
	AND OLD.country = NEW.country AND OLD.region = NEW.region AND OLD.language = NEW.language AND OLD.birth_year IS NEW.birth_year
	AND OLD.granted_mask = NEW.granted_mask AND OLD.li_mask = NEW.li_mask AND OLD.withdrawn_mask = NEW.withdrawn_mask) BEGIN
	INSERT INTO profile_cells (workspace_id, country, region, language, birth_year, birth_key, granted_mask, li_mask, withdrawn_mask, objected, n) SELECT OLD.workspace_id, OLD.country, OLD.region, OLD.language, OLD.birth_year, COALESCE(OLD.birth_year, 0), OLD.granted_mask, OLD.li_mask, OLD.withdrawn_mask, OLD.objected_at IS NOT NULL, -1 WHERE OLD.erased_at IS NULL
	ON CONFLICT (workspace_id, country, region, language, birth_key, granted_mask, li_mask, withdrawn_mask, objected) DO UPDATE SET n = n + excluded.n;
	INSERT INTO profile_cells (workspace_id, country, region, language, birth_year, birth_key, granted_mask, li_mask, withdrawn_mask, objected, n) SELECT NEW.workspace_id, NEW.country, NEW.region, NEW.language, NEW.birth_year, COALESCE(NEW.birth_year, 0), NEW.granted_mask, NEW.li_mask, NEW.withdrawn_mask, NEW.objected_at IS NOT NULL, 1 WHERE NEW.erased_at IS NULL
	ON CONFLICT (workspace_id, country, region, language, birth_key, granted_mask, li_mask, withdrawn_mask, objected) DO UPDATE SET n = n + excluded.n;
END
--;
INSERT INTO profile_cells (workspace_id, country, region, language, birth_year, birth_key, granted_mask, li_mask, withdrawn_mask, objected, n)
SELECT workspace_id, country, region, language, birth_year, COALESCE(birth_year, 0), granted_mask, li_mask, withdrawn_mask, objected_at IS NOT NULL, COUNT(*)
FROM profiles WHERE erased_at IS NULL
GROUP BY workspace_id, country, region, language, birth_year, granted_mask, li_mask, withdrawn_mask, objected_at IS NOT NULL`},
	{Version: 4, Name: "import heartbeat", SQL: `
ALTER TABLE import_jobs ADD COLUMN heartbeat_at {{TS}};
CREATE INDEX import_jobs_running_idx ON import_jobs (status, heartbeat_at);
`},
	// Version 5 keeps interest_cells: like profile_cells, per interest, so
	// that an audience of people with one given interest is counted from
	// cells too. Triggers on profile_interests and on profiles keep it exact.
	{Version: 5, Name: "interest cells", Postgres: `
CREATE TABLE interest_cells (
	workspace_id BIGINT NOT NULL,
	interest_id BIGINT NOT NULL,
	country TEXT NOT NULL,
	region TEXT NOT NULL,
	language TEXT NOT NULL,
	birth_year INTEGER,
	birth_key INTEGER NOT NULL,
	granted_mask INTEGER NOT NULL,
	li_mask INTEGER NOT NULL,
	withdrawn_mask INTEGER NOT NULL,
	objected BOOLEAN NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (workspace_id, interest_id, country, region, language, birth_key, granted_mask, li_mask, withdrawn_mask, objected)
)
--;
CREATE FUNCTION interest_cells_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO interest_cells (workspace_id, interest_id, country, region, language, birth_year, birth_key, granted_mask, li_mask, withdrawn_mask, objected, n)
		SELECT p.workspace_id, NEW.interest_id, p.country, p.region, p.language, p.birth_year, COALESCE(p.birth_year, 0), p.granted_mask, p.li_mask, p.withdrawn_mask, p.objected_at IS NOT NULL, 1 FROM profiles p WHERE p.id = NEW.profile_id AND p.erased_at IS NULL
		ON CONFLICT (workspace_id, interest_id, country, region, language, birth_key, granted_mask, li_mask, withdrawn_mask, objected) DO UPDATE SET n = interest_cells.n + EXCLUDED.n;
	ELSE
		INSERT INTO interest_cells (workspace_id, interest_id, country, region, language, birth_year, birth_key, granted_mask, li_mask, withdrawn_mask, objected, n)
		SELECT p.workspace_id, OLD.interest_id, p.country, p.region, p.language, p.birth_year, COALESCE(p.birth_year, 0), p.granted_mask, p.li_mask, p.withdrawn_mask, p.objected_at IS NOT NULL, -1 FROM profiles p WHERE p.id = OLD.profile_id AND p.erased_at IS NULL
		ON CONFLICT (workspace_id, interest_id, country, region, language, birth_key, granted_mask, li_mask, withdrawn_mask, objected) DO UPDATE SET n = interest_cells.n + EXCLUDED.n;
	END IF;
	RETURN NULL;
END
$$
--;
CREATE TRIGGER profile_interests_cells AFTER INSERT OR DELETE ON profile_interests FOR EACH ROW EXECUTE FUNCTION interest_cells_link()
--;
CREATE FUNCTION interest_cells_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF (OLD.erased_at IS NULL) = (NEW.erased_at IS NULL)
		AND (OLD.objected_at IS NULL) = (NEW.objected_at IS NULL)
		AND OLD.country = NEW.country AND OLD.region = NEW.region AND OLD.language = NEW.language
		AND OLD.birth_year IS NOT DISTINCT FROM NEW.birth_year
		AND OLD.granted_mask = NEW.granted_mask AND OLD.li_mask = NEW.li_mask AND OLD.withdrawn_mask = NEW.withdrawn_mask THEN
		RETURN NULL;
	END IF;
	IF OLD.erased_at IS NULL THEN
		INSERT INTO interest_cells (workspace_id, interest_id, country, region, language, birth_year, birth_key, granted_mask, li_mask, withdrawn_mask, objected, n)
		SELECT OLD.workspace_id, pi.interest_id, OLD.country, OLD.region, OLD.language, OLD.birth_year, COALESCE(OLD.birth_year, 0), OLD.granted_mask, OLD.li_mask, OLD.withdrawn_mask, OLD.objected_at IS NOT NULL, -1 FROM profile_interests pi WHERE pi.workspace_id = OLD.workspace_id AND pi.profile_id = OLD.id
		ON CONFLICT (workspace_id, interest_id, country, region, language, birth_key, granted_mask, li_mask, withdrawn_mask, objected) DO UPDATE SET n = interest_cells.n + EXCLUDED.n;
	END IF;
	IF NEW.erased_at IS NULL THEN
		INSERT INTO interest_cells (workspace_id, interest_id, country, region, language, birth_year, birth_key, granted_mask, li_mask, withdrawn_mask, objected, n)
		SELECT NEW.workspace_id, pi.interest_id, NEW.country, NEW.region, NEW.language, NEW.birth_year, COALESCE(NEW.birth_year, 0), NEW.granted_mask, NEW.li_mask, NEW.withdrawn_mask, NEW.objected_at IS NOT NULL, 1 FROM profile_interests pi WHERE pi.workspace_id = NEW.workspace_id AND pi.profile_id = NEW.id
		ON CONFLICT (workspace_id, interest_id, country, region, language, birth_key, granted_mask, li_mask, withdrawn_mask, objected) DO UPDATE SET n = interest_cells.n + EXCLUDED.n;
	END IF;
	RETURN NULL;
END
$$
--;
CREATE TRIGGER profiles_interest_cells AFTER UPDATE ON profiles FOR EACH ROW EXECUTE FUNCTION interest_cells_move()
--;
INSERT INTO interest_cells (workspace_id, interest_id, country, region, language, birth_year, birth_key, granted_mask, li_mask, withdrawn_mask, objected, n)
SELECT p.workspace_id, pi.interest_id, p.country, p.region, p.language, p.birth_year, COALESCE(p.birth_year, 0), p.granted_mask, p.li_mask, p.withdrawn_mask, p.objected_at IS NOT NULL, COUNT(*)
FROM profile_interests pi JOIN profiles p ON p.id = pi.profile_id AND p.workspace_id = pi.workspace_id
WHERE p.erased_at IS NULL
GROUP BY p.workspace_id, pi.interest_id, p.country, p.region, p.language, p.birth_year, p.granted_mask, p.li_mask, p.withdrawn_mask, p.objected_at IS NOT NULL`, SQLite: `
CREATE TABLE interest_cells (
	workspace_id BIGINT NOT NULL,
	interest_id BIGINT NOT NULL,
	country TEXT NOT NULL,
	region TEXT NOT NULL,
	language TEXT NOT NULL,
	birth_year INTEGER,
	birth_key INTEGER NOT NULL,
	granted_mask INTEGER NOT NULL,
	li_mask INTEGER NOT NULL,
	withdrawn_mask INTEGER NOT NULL,
	objected INTEGER NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (workspace_id, interest_id, country, region, language, birth_key, granted_mask, li_mask, withdrawn_mask, objected)
)
--;
CREATE TRIGGER profile_interests_cells_insert AFTER INSERT ON profile_interests BEGIN
	INSERT INTO interest_cells (workspace_id, interest_id, country, region, language, birth_year, birth_key, granted_mask, li_mask, withdrawn_mask, objected, n)
	SELECT p.workspace_id, NEW.interest_id, p.country, p.region, p.language, p.birth_year, COALESCE(p.birth_year, 0), p.granted_mask, p.li_mask, p.withdrawn_mask, p.objected_at IS NOT NULL, 1 FROM profiles p WHERE p.id = NEW.profile_id AND p.erased_at IS NULL
	ON CONFLICT (workspace_id, interest_id, country, region, language, birth_key, granted_mask, li_mask, withdrawn_mask, objected) DO UPDATE SET n = n + excluded.n;
END
--;
CREATE TRIGGER profile_interests_cells_delete AFTER DELETE ON profile_interests BEGIN
	INSERT INTO interest_cells (workspace_id, interest_id, country, region, language, birth_year, birth_key, granted_mask, li_mask, withdrawn_mask, objected, n)
	SELECT p.workspace_id, OLD.interest_id, p.country, p.region, p.language, p.birth_year, COALESCE(p.birth_year, 0), p.granted_mask, p.li_mask, p.withdrawn_mask, p.objected_at IS NOT NULL, -1 FROM profiles p WHERE p.id = OLD.profile_id AND p.erased_at IS NULL
	ON CONFLICT (workspace_id, interest_id, country, region, language, birth_key, granted_mask, li_mask, withdrawn_mask, objected) DO UPDATE SET n = n + excluded.n;
END
--;
CREATE TRIGGER profiles_interest_cells AFTER UPDATE ON profiles WHEN NOT ((OLD.erased_at IS NULL) = (NEW.erased_at IS NULL) AND (OLD.objected_at IS NULL) = (NEW.objected_at IS NULL)
	AND OLD.country = NEW.country AND OLD.region = NEW.region AND OLD.language = NEW.language AND OLD.birth_year IS NEW.birth_year
	AND OLD.granted_mask = NEW.granted_mask AND OLD.li_mask = NEW.li_mask AND OLD.withdrawn_mask = NEW.withdrawn_mask) BEGIN
	INSERT INTO interest_cells (workspace_id, interest_id, country, region, language, birth_year, birth_key, granted_mask, li_mask, withdrawn_mask, objected, n)
	SELECT OLD.workspace_id, pi.interest_id, OLD.country, OLD.region, OLD.language, OLD.birth_year, COALESCE(OLD.birth_year, 0), OLD.granted_mask, OLD.li_mask, OLD.withdrawn_mask, OLD.objected_at IS NOT NULL, -1 FROM profile_interests pi WHERE pi.workspace_id = OLD.workspace_id AND pi.profile_id = OLD.id AND OLD.erased_at IS NULL
	ON CONFLICT (workspace_id, interest_id, country, region, language, birth_key, granted_mask, li_mask, withdrawn_mask, objected) DO UPDATE SET n = n + excluded.n;
	INSERT INTO interest_cells (workspace_id, interest_id, country, region, language, birth_year, birth_key, granted_mask, li_mask, withdrawn_mask, objected, n)
	SELECT NEW.workspace_id, pi.interest_id, NEW.country, NEW.region, NEW.language, NEW.birth_year, COALESCE(NEW.birth_year, 0), NEW.granted_mask, NEW.li_mask, NEW.withdrawn_mask, NEW.objected_at IS NOT NULL, 1 FROM profile_interests pi WHERE pi.workspace_id = NEW.workspace_id AND pi.profile_id = NEW.id AND NEW.erased_at IS NULL
	ON CONFLICT (workspace_id, interest_id, country, region, language, birth_key, granted_mask, li_mask, withdrawn_mask, objected) DO UPDATE SET n = n + excluded.n;
END
--;
INSERT INTO interest_cells (workspace_id, interest_id, country, region, language, birth_year, birth_key, granted_mask, li_mask, withdrawn_mask, objected, n)
SELECT p.workspace_id, pi.interest_id, p.country, p.region, p.language, p.birth_year, COALESCE(p.birth_year, 0), p.granted_mask, p.li_mask, p.withdrawn_mask, p.objected_at IS NOT NULL, COUNT(*)
FROM profile_interests pi JOIN profiles p ON p.id = pi.profile_id AND p.workspace_id = pi.workspace_id
WHERE p.erased_at IS NULL
GROUP BY p.workspace_id, pi.interest_id, p.country, p.region, p.language, p.birth_year, p.granted_mask, p.li_mask, p.withdrawn_mask, p.objected_at IS NOT NULL`},
	// Version 6 copies onto each profile_interests row the attributes the
	// eligibility rule reads, kept in step by triggers, so that an audience
	// of several interests is counted from one covering index instead of
	// joining every matching person's profile.
	{Version: 6, Name: "interest reach", Postgres: `
ALTER TABLE profile_interests ADD COLUMN country TEXT
--;
ALTER TABLE profile_interests ADD COLUMN region TEXT
--;
ALTER TABLE profile_interests ADD COLUMN language TEXT
--;
ALTER TABLE profile_interests ADD COLUMN birth_year INTEGER
--;
ALTER TABLE profile_interests ADD COLUMN granted_mask INTEGER
--;
ALTER TABLE profile_interests ADD COLUMN li_mask INTEGER
--;
ALTER TABLE profile_interests ADD COLUMN withdrawn_mask INTEGER
--;
ALTER TABLE profile_interests ADD COLUMN objected BOOLEAN
--;
UPDATE profile_interests pi SET (country, region, language, birth_year, granted_mask, li_mask, withdrawn_mask, objected) = (p.country, p.region, p.language, p.birth_year, p.granted_mask, p.li_mask, p.withdrawn_mask, p.objected_at IS NOT NULL) FROM profiles p WHERE p.id = pi.profile_id
--;
CREATE INDEX profile_interests_reach_idx ON profile_interests (workspace_id, interest_id) INCLUDE (profile_id, country, region, language, birth_year, granted_mask, li_mask, withdrawn_mask, objected)
--;
CREATE FUNCTION profile_interests_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	SELECT p.country, p.region, p.language, p.birth_year, p.granted_mask, p.li_mask, p.withdrawn_mask, p.objected_at IS NOT NULL INTO NEW.country, NEW.region, NEW.language, NEW.birth_year, NEW.granted_mask, NEW.li_mask, NEW.withdrawn_mask, NEW.objected
	FROM profiles p WHERE p.id = NEW.profile_id;
	RETURN NEW;
END
$$
--;
CREATE TRIGGER profile_interests_fill BEFORE INSERT ON profile_interests FOR EACH ROW EXECUTE FUNCTION profile_interests_fill()
--;
CREATE FUNCTION profile_interests_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF (OLD.objected_at IS NULL) = (NEW.objected_at IS NULL)
		AND OLD.country = NEW.country AND OLD.region = NEW.region AND OLD.language = NEW.language
		AND OLD.birth_year IS NOT DISTINCT FROM NEW.birth_year
		AND OLD.granted_mask = NEW.granted_mask AND OLD.li_mask = NEW.li_mask AND OLD.withdrawn_mask = NEW.withdrawn_mask THEN
		RETURN NULL;
	END IF;
	UPDATE profile_interests SET (country, region, language, birth_year, granted_mask, li_mask, withdrawn_mask, objected) = (NEW.country, NEW.region, NEW.language, NEW.birth_year, NEW.granted_mask, NEW.li_mask, NEW.withdrawn_mask, NEW.objected_at IS NOT NULL)
	WHERE workspace_id = NEW.workspace_id AND profile_id = NEW.id;
	RETURN NULL;
END
$$
--;
CREATE TRIGGER profiles_interests_follow AFTER UPDATE ON profiles FOR EACH ROW EXECUTE FUNCTION profile_interests_follow()`, SQLite: `
ALTER TABLE profile_interests ADD COLUMN country TEXT
--;
ALTER TABLE profile_interests ADD COLUMN region TEXT
--;
ALTER TABLE profile_interests ADD COLUMN language TEXT
--;
ALTER TABLE profile_interests ADD COLUMN birth_year INTEGER
--;
ALTER TABLE profile_interests ADD COLUMN granted_mask INTEGER
--;
ALTER TABLE profile_interests ADD COLUMN li_mask INTEGER
--;
ALTER TABLE profile_interests ADD COLUMN withdrawn_mask INTEGER
--;
ALTER TABLE profile_interests ADD COLUMN objected INTEGER
--;
UPDATE profile_interests SET (country, region, language, birth_year, granted_mask, li_mask, withdrawn_mask, objected) = (SELECT p.country, p.region, p.language, p.birth_year, p.granted_mask, p.li_mask, p.withdrawn_mask, p.objected_at IS NOT NULL FROM profiles p WHERE p.id = profile_interests.profile_id)
--;
CREATE INDEX profile_interests_reach_idx ON profile_interests (workspace_id, interest_id, profile_id, country, region, language, birth_year, granted_mask, li_mask, withdrawn_mask, objected)
--;
CREATE TRIGGER profile_interests_fill AFTER INSERT ON profile_interests BEGIN
	UPDATE profile_interests SET (country, region, language, birth_year, granted_mask, li_mask, withdrawn_mask, objected) = (SELECT p.country, p.region, p.language, p.birth_year, p.granted_mask, p.li_mask, p.withdrawn_mask, p.objected_at IS NOT NULL FROM profiles p WHERE p.id = NEW.profile_id)
	WHERE workspace_id = NEW.workspace_id AND profile_id = NEW.profile_id AND interest_id = NEW.interest_id;
END
--;
CREATE TRIGGER profiles_interests_follow AFTER UPDATE ON profiles WHEN NOT ((OLD.objected_at IS NULL) = (NEW.objected_at IS NULL)
	AND OLD.country = NEW.country AND OLD.region = NEW.region AND OLD.language = NEW.language AND OLD.birth_year IS NEW.birth_year
	AND OLD.granted_mask = NEW.granted_mask AND OLD.li_mask = NEW.li_mask AND OLD.withdrawn_mask = NEW.withdrawn_mask) BEGIN
	UPDATE profile_interests SET (country, region, language, birth_year, granted_mask, li_mask, withdrawn_mask, objected) = (NEW.country, NEW.region, NEW.language, NEW.birth_year, NEW.granted_mask, NEW.li_mask, NEW.withdrawn_mask, NEW.objected_at IS NOT NULL)
	WHERE workspace_id = NEW.workspace_id AND profile_id = NEW.id;
END`},
}
