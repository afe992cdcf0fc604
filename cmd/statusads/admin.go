package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/statusads/statusads/accounts"
)

// userCommand implements `statusads user create`.
func (e *env) userCommand(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("user: expected `user create --email E --workspace W --role R`")
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	email := fs.String("email", "", "email address of the user")
	name := fs.String("name", "", "display name (default: the part of the email before @)")
	workspace := fs.String("workspace", "", "workspace name (created if it does not exist)")
	role := fs.String("role", "", "admin, marketer, manager, scheduler or viewer")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	var missing []string
	for flagName, v := range map[string]string{"--email": *email, "--workspace": *workspace, "--role": *role} {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, flagName)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("user create: missing %s", strings.Join(missing, ", "))
	}
	if !accounts.Role(*role).Valid() {
		return fmt.Errorf("user create: --role %q is not one of admin, marketer, manager, scheduler, viewer", *role)
	}
	password, generated, err := readPassword(e.stdin)
	if err != nil {
		return err
	}
	if *name == "" {
		*name, _, _ = strings.Cut(*email, "@")
	}
	ws := accounts.WorkspaceInput{Name: *workspace, AdvertiserName: *workspace, PayerName: *workspace, TimeZone: "Europe/Berlin", Currency: "EUR", Locale: "en"}
	ctx = accounts.WithActor(ctx, accounts.Actor{Type: "system", Label: "cli: user create"})
	u, w, created, err := e.accounts.Bootstrap(ctx, accounts.UserInput{Email: *email, Name: *name, Password: password}, ws, accounts.Role(*role), false)
	if err != nil {
		var ve *accounts.ValidationError
		if errors.As(err, &ve) {
			return fmt.Errorf("user create: %s", ve.Error())
		}
		return err
	}
	if !created {
		fmt.Fprintf(e.stderr, "user %s already existed; password unchanged\n", u.Email)
	} else if generated {
		fmt.Fprintf(e.stdout, "password: %s\n", password)
	}
	fmt.Fprintf(e.stderr, "user %s is %s in workspace %q (id %d)\n", u.Email, *role, w.Name, w.ID)
	return nil
}

// readPassword takes the first line of stdin, or generates one when stdin is
// a terminal or empty.
func readPassword(stdin io.Reader) (string, bool, error) {
	if f, ok := stdin.(*os.File); !ok || !isTerminal(f) {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", false, fmt.Errorf("read password from stdin: %w", err)
		}
		if pw := strings.TrimRight(line, "\r\n"); pw != "" {
			return pw, false, nil
		}
	}
	b := make([]byte, 18)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b), true, nil
}

// tokenCommand implements `statusads token create`; stdout carries only the
// token so that scripts can capture it.
func (e *env) tokenCommand(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("token: expected `token create --workspace W --name N --scopes S`")
	}
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	workspace := fs.String("workspace", "", "workspace name")
	name := fs.String("name", "", "what the token is for")
	scopes := fs.String("scopes", "", "comma-separated: all, read, feed, events")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *workspace == "" || *name == "" || *scopes == "" {
		return fmt.Errorf("token create: --workspace, --name and --scopes are required")
	}
	sc, err := accounts.ParseScopes(*scopes)
	if err != nil {
		return fmt.Errorf("token create: --scopes %q: use all, read, feed or events", *scopes)
	}
	w, err := e.accounts.WorkspaceByName(ctx, *workspace)
	if errors.Is(err, accounts.ErrNotFound) {
		return fmt.Errorf("token create: no workspace named %q", *workspace)
	} else if err != nil {
		return err
	}
	ctx = accounts.WithActor(ctx, accounts.Actor{Type: "system", Label: "cli: token create"})
	_, secret, err := e.accounts.CreateToken(ctx, w.ID, *name, sc)
	if err != nil {
		return fmt.Errorf("token create: %w", err)
	}
	fmt.Fprintln(e.stdout, secret)
	return nil
}

// profilesCommand implements `statusads profiles generate`.
func (e *env) profilesCommand(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "generate" {
		return fmt.Errorf("profiles: expected `profiles generate --workspace W --count N`")
	}
	fs := flag.NewFlagSet("profiles generate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	workspace := fs.String("workspace", "", "workspace name")
	count := fs.Int("count", 0, "how many profiles to generate")
	seed := fs.Uint64("seed", 1, "seed; the same seed generates the same people, so reruns add nothing")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *workspace == "" || *count <= 0 {
		return fmt.Errorf("profiles generate: --workspace and a positive --count are required")
	}
	w, err := e.accounts.WorkspaceByName(ctx, *workspace)
	if errors.Is(err, accounts.ErrNotFound) {
		return fmt.Errorf("profiles generate: no workspace named %q", *workspace)
	} else if err != nil {
		return err
	}
	ctx = accounts.WithActor(ctx, accounts.Actor{Type: "system", Label: "cli: profiles generate"})
	start := time.Now()
	n, err := e.targeting.Synthetic(ctx, w.ID, *count, *seed, func(done int) {
		if done%50000 == 0 || done == *count {
			fmt.Fprintf(e.stderr, "\r%d / %d", done, *count)
		}
	})
	fmt.Fprintln(e.stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created %d profiles in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
