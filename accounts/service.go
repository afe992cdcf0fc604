package accounts

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"github.com/statusads/statusads/internal/clock"
	"gorm.io/gorm"
)

// Options tune the service; zero values take the defaults.
type Options struct {
	BcryptCost      int           // default bcrypt.DefaultCost; tests use the minimum
	SessionIdle     time.Duration // default 12h
	SessionMax      time.Duration // default 7 days
	InvitationTTL   time.Duration // default 7 days
	EmailFailures   int           // failed logins per account before a lock, default 5
	AddressFailures int           // failed logins per address before a lock, default 20
	FailureWindow   time.Duration // window the failures are counted in, default 15m
	LockFor         time.Duration // how long a lock lasts, default 15m
}

// Service is the accounts API used by the web layer and the CLI.
type Service struct {
	db    *gorm.DB
	clock clock.Clock
	opt   Options
	dummy []byte // a bcrypt hash compared against when an email is unknown
}

// NewService returns a Service over db.
func NewService(db *gorm.DB, clk clock.Clock, opt Options) *Service {
	if opt.BcryptCost == 0 {
		opt.BcryptCost = 12
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&opt.SessionIdle, 12*time.Hour)
	def(&opt.SessionMax, 7*24*time.Hour)
	def(&opt.InvitationTTL, 7*24*time.Hour)
	def(&opt.FailureWindow, 15*time.Minute)
	def(&opt.LockFor, 15*time.Minute)
	if opt.EmailFailures == 0 {
		opt.EmailFailures = 5
	}
	if opt.AddressFailures == 0 {
		opt.AddressFailures = 20
	}
	s := &Service{db: db, clock: clk, opt: opt}
	s.dummy, _ = hashPassword("statusads-timing-equaliser", opt.BcryptCost)
	return s
}

// Options returns the effective options.
func (s *Service) Options() Options { return s.opt }

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

// newSecret returns a random URL-safe secret and its storage hash.
func newSecret(prefix string) (secret, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("accounts: no randomness: " + err.Error())
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, hashSecret(secret)
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
