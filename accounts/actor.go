package accounts

import "context"

// Actor is who performs a change: a signed-in user, an API token, or the
// system itself (CLI, scheduler). It travels in the context so that every
// service method can write the audit entry without extra parameters.
type Actor struct {
	Type      string // "user", "token" or "system"
	ID        int64
	Label     string // email, token name, or "system: …"
	RequestID string
}

type actorKey struct{}

// WithActor returns a context that carries the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the context's actor, or a system actor when none is set.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Type: "system", Label: "system"}
}

// UserActor is the actor for a signed-in user.
func UserActor(u User, requestID string) Actor {
	return Actor{Type: "user", ID: u.ID, Label: u.Email, RequestID: requestID}
}
