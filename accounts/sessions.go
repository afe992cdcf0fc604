package accounts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrNoWorkspace means the credentials were right but the user has no active
// membership anywhere.
var ErrNoWorkspace = errors.New("no active workspace")

// Session is a signed-in browser: who, in which workspace, with which role.
type Session struct {
	Token     string // the cookie value; only set when the session is new
	User      User
	Workspace Workspace
	Role      Role
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Login checks an email and password, counting failures per account and per
// address, and starts a new session. Every failure other than a lock answers
// ErrInvalidCredentials, so the response does not reveal whether an email
// exists.
func (s *Service) Login(ctx context.Context, email, password, address string) (Session, error) {
	email = NormaliseEmail(email)
	now := s.now()
	keys := []string{"email:" + digest(email), "addr:" + address}
	if wait, err := s.lockedFor(ctx, keys, now); err != nil {
		return Session{}, err
	} else if wait > 0 {
		return Session{}, &RateLimitedError{RetryAfter: wait}
	}

	var u User
	err := s.db.WithContext(ctx).Where("email = ?", email).Take(&u).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return Session{}, fmt.Errorf("accounts: login: %w", err)
	}
	hash := s.dummy
	if err == nil && u.PasswordHash != "" {
		hash = []byte(u.PasswordHash)
	}
	ok := bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil && err == nil && u.PasswordHash != "" && u.DisabledAt == nil
	if !ok {
		if err := s.recordFailure(ctx, keys, now); err != nil {
			return Session{}, err
		}
		return Session{}, ErrInvalidCredentials
	}
	if err := s.db.WithContext(ctx).Where("attempt_key = ?", keys[0]).Delete(&loginAttempt{}).Error; err != nil {
		return Session{}, fmt.Errorf("accounts: login: %w", err)
	}
	ws, err := s.firstActiveWorkspace(ctx, u.ID)
	if err != nil {
		return Session{}, err
	}
	return s.startSession(ctx, u, ws)
}

func (s *Service) firstActiveWorkspace(ctx context.Context, userID int64) (int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&Membership{}).Where("user_id = ? AND disabled_at IS NULL", userID).
		Order("workspace_id").Limit(1).Pluck("workspace_id", &ids).Error
	if err != nil {
		return 0, fmt.Errorf("accounts: workspaces of %d: %w", userID, err)
	}
	if len(ids) == 0 {
		return 0, ErrNoWorkspace
	}
	return ids[0], nil
}

// StartSession signs a user in without a password (after setup or an
// accepted invitation).
func (s *Service) StartSession(ctx context.Context, userID int64) (Session, error) {
	u, err := s.User(ctx, userID)
	if err != nil {
		return Session{}, err
	}
	ws, err := s.firstActiveWorkspace(ctx, u.ID)
	if err != nil {
		return Session{}, err
	}
	return s.startSession(ctx, u, ws)
}

func (s *Service) startSession(ctx context.Context, u User, workspaceID int64) (Session, error) {
	token, hash := newSecret("")
	now := s.now()
	row := session{IDHash: hash, UserID: u.ID, WorkspaceID: workspaceID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.opt.SessionMax)}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return Session{}, fmt.Errorf("accounts: start session: %w", err)
	}
	sess, err := s.Session(ctx, token)
	sess.Token = token
	return sess, err
}

// Session resolves a session cookie. It fails with ErrSessionExpired when the
// session is unknown, idle too long, past its absolute lifetime, or its
// membership was disabled. It refreshes the idle timer at most once a minute.
func (s *Service) Session(ctx context.Context, token string) (Session, error) {
	if token == "" {
		return Session{}, ErrSessionExpired
	}
	now := s.now()
	var row session
	err := s.db.WithContext(ctx).Where("id_hash = ?", hashSecret(token)).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Session{}, ErrSessionExpired
	} else if err != nil {
		return Session{}, fmt.Errorf("accounts: session: %w", err)
	}
	if !now.Before(row.ExpiresAt) || !now.Before(row.LastSeenAt.Add(s.opt.SessionIdle)) {
		s.db.WithContext(ctx).Where("id_hash = ?", row.IDHash).Delete(&session{})
		return Session{}, ErrSessionExpired
	}
	m, err := s.Member(ctx, row.WorkspaceID, row.UserID)
	if errors.Is(err, ErrNotFound) || (err == nil && !m.Active()) {
		return Session{}, ErrSessionExpired
	} else if err != nil {
		return Session{}, err
	}
	ws, err := s.Workspace(ctx, row.WorkspaceID)
	if err != nil {
		return Session{}, err
	}
	if now.Sub(row.LastSeenAt) > time.Minute {
		s.db.WithContext(ctx).Model(&session{}).Where("id_hash = ?", row.IDHash).Update("last_seen_at", now)
	}
	return Session{User: m.User, Workspace: ws, Role: m.Role, CreatedAt: row.CreatedAt, ExpiresAt: row.ExpiresAt}, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.db.WithContext(ctx).Where("id_hash = ?", hashSecret(token)).Delete(&session{}).Error
}

// SwitchWorkspace moves a session to another workspace of the same user.
// A workspace the user does not belong to answers ErrNotFound.
func (s *Service) SwitchWorkspace(ctx context.Context, token string, workspaceID int64) error {
	sess, err := s.Session(ctx, token)
	if err != nil {
		return err
	}
	m, err := s.Member(ctx, workspaceID, sess.User.ID)
	if err != nil {
		return err
	}
	if !m.Active() {
		return fmt.Errorf("accounts: switch to %d: %w", workspaceID, ErrNotFound)
	}
	return s.db.WithContext(ctx).Model(&session{}).Where("id_hash = ?", hashSecret(token)).Update("workspace_id", workspaceID).Error
}

// PurgeSessions deletes sessions past their absolute lifetime and returns how
// many went; the server calls it periodically.
func (s *Service) PurgeSessions(ctx context.Context) (int64, error) {
	now := s.now()
	res := s.db.WithContext(ctx).Where("expires_at <= ? OR last_seen_at <= ?", now, now.Add(-s.opt.SessionIdle)).Delete(&session{})
	return res.RowsAffected, res.Error
}

type loginAttempt struct {
	AttemptKey  string `gorm:"primaryKey"`
	Failures    int
	WindowStart time.Time
	LockedUntil *time.Time
}

func (loginAttempt) TableName() string { return "login_attempts" }

func (s *Service) lockedFor(ctx context.Context, keys []string, now time.Time) (time.Duration, error) {
	var rows []loginAttempt
	if err := s.db.WithContext(ctx).Where("attempt_key IN ?", keys).Find(&rows).Error; err != nil {
		return 0, fmt.Errorf("accounts: login limiter: %w", err)
	}
	var wait time.Duration
	for _, r := range rows {
		if r.LockedUntil != nil && r.LockedUntil.After(now) && r.LockedUntil.Sub(now) > wait {
			wait = r.LockedUntil.Sub(now)
		}
	}
	return wait, nil
}

// recordFailure counts a failed login for each key in one transaction: the
// counter restarts when its window has passed, and reaching the limit sets a
// lock. The upsert is atomic on both dialects, so parallel attempts from
// several instances all count.
func (s *Service) recordFailure(ctx context.Context, keys []string, now time.Time) error {
	windowStart := now.Add(-s.opt.FailureWindow)
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, k := range keys {
			limit := s.opt.EmailFailures
			if strings.HasPrefix(k, "addr:") {
				limit = s.opt.AddressFailures
			}
			err := tx.Clauses(clause.OnConflict{
				Columns: []clause.Column{{Name: "attempt_key"}},
				DoUpdates: clause.Set{
					{Column: clause.Column{Name: "failures"}, Value: gorm.Expr("CASE WHEN login_attempts.window_start < ? THEN 1 ELSE login_attempts.failures + 1 END", windowStart)},
					{Column: clause.Column{Name: "window_start"}, Value: gorm.Expr("CASE WHEN login_attempts.window_start < ? THEN ? ELSE login_attempts.window_start END", windowStart, now)},
				},
			}).Create(&loginAttempt{AttemptKey: k, Failures: 1, WindowStart: now}).Error
			if err != nil {
				return fmt.Errorf("accounts: count login failure: %w", err)
			}
			if err := tx.Model(&loginAttempt{}).Where("attempt_key = ? AND failures >= ?", k, limit).
				Updates(map[string]any{"locked_until": now.Add(s.opt.LockFor), "failures": 0, "window_start": now}).Error; err != nil {
				return fmt.Errorf("accounts: lock logins: %w", err)
			}
		}
		return nil
	})
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func toLower(s string) string { return strings.ToLower(s) }
