package accounts

import "time"

// Workspace is one tenant: a brand with its own audience, campaigns and
// reports. AdvertiserName and PayerName appear in every DSA ad notice.
type Workspace struct {
	ID             int64
	Name           string
	AdvertiserName string
	PayerName      string
	TimeZone       string
	Currency       string
	Locale         string
	IsDemo         bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (Workspace) TableName() string { return "workspaces" }

// Location returns the workspace's time zone, UTC if it cannot be loaded.
func (w Workspace) Location() *time.Location {
	if loc, err := time.LoadLocation(w.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// User is a person who signs in. The same user may belong to several
// workspaces with a different role in each.
type User struct {
	ID           int64
	Email        string
	Name         string
	PasswordHash string `json:"-"`
	Locale       string
	DisabledAt   *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (User) TableName() string { return "users" }

// Membership gives a user a role in a workspace.
type Membership struct {
	WorkspaceID int64
	UserID      int64
	Role        Role
	CreatedAt   time.Time
	DisabledAt  *time.Time
}

func (Membership) TableName() string { return "memberships" }

// Member is a user as seen from one workspace.
type Member struct {
	User
	Role             Role
	MemberDisabledAt *time.Time
}

// Active reports whether the member may sign in to the workspace.
func (m Member) Active() bool { return m.MemberDisabledAt == nil && m.DisabledAt == nil }

// WorkspaceRole is one of a user's workspaces with the user's role there.
type WorkspaceRole struct {
	Workspace
	Role Role
}

type session struct {
	IDHash      string `gorm:"primaryKey"`
	UserID      int64
	WorkspaceID int64
	CreatedAt   time.Time
	LastSeenAt  time.Time
	ExpiresAt   time.Time
}

func (session) TableName() string { return "sessions" }

// APIToken is a machine credential scoped to one workspace. The secret is
// shown once at creation and stored only as a hash.
type APIToken struct {
	ID          int64
	WorkspaceID int64
	Name        string
	Prefix      string
	TokenHash   string `json:"-"`
	Scopes      string
	CreatedBy   *int64
	CreatedAt   time.Time
	LastUsedAt  *time.Time
	RevokedAt   *time.Time
}

func (APIToken) TableName() string { return "api_tokens" }

// Invitation lets someone join a workspace by setting a password through a
// one-time link.
type Invitation struct {
	ID          int64
	WorkspaceID int64
	Email       string
	Role        Role
	TokenHash   string `json:"-"`
	CreatedBy   int64
	CreatedAt   time.Time
	ExpiresAt   time.Time
	AcceptedAt  *time.Time
	RevokedAt   *time.Time
}

func (Invitation) TableName() string { return "invitations" }

// AuditEntry records one change to workspace data.
type AuditEntry struct {
	ID          int64
	WorkspaceID int64
	ActorType   string
	ActorID     *int64
	ActorLabel  string
	Action      string
	ObjectType  string
	ObjectID    string
	BeforeData  *string
	AfterData   *string
	RequestID   string
	CreatedAt   time.Time
}

func (AuditEntry) TableName() string { return "audit_entries" }
