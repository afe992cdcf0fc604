package main

import (
	"context"
	"fmt"

	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/targeting"
	"github.com/statusads/statusads/web"
)

// The demo installation: clearly labelled workspaces with a user per role,
// all sharing one password that the sign-in page shows. Later features add
// their demo data by appending a step to demoSteps; every step must be
// idempotent, because `statusads demo` runs them at each start.
const (
	demoPassword  = "statusads-demo"
	demoWorkspace = "Demo: Hamburger Kaffeerösterei"
	demoSecond    = "Demo: Alster Sportswear"
)

var demoUsers = []struct {
	email, name string
	role        accounts.Role
}{
	{"admin@demo.statusads.example", "Anna Admin", accounts.RoleAdmin},
	{"marketer@demo.statusads.example", "Mia Marketing", accounts.RoleMarketer},
	{"manager@demo.statusads.example", "Max Manager", accounts.RoleManager},
	{"scheduler@demo.statusads.example", "Sven Scheduler", accounts.RoleScheduler},
	{"viewer@demo.statusads.example", "Vera Viewer", accounts.RoleViewer},
}

// demoStep adds one kind of demo data to the demo workspace.
type demoStep struct {
	name string
	run  func(ctx context.Context, e *env, ws accounts.Workspace) error
}

var demoSteps = []demoStep{
	{"second workspace", seedSecondWorkspace},
	{"profiles", seedDemoProfiles},
	{"audiences", seedDemoAudiences},
}

func (e *env) demo(ctx context.Context) error {
	ctx = accounts.WithActor(ctx, accounts.Actor{Type: "system", Label: "demo"})
	var ws accounts.Workspace
	for _, u := range demoUsers {
		var err error
		_, ws, _, err = e.accounts.Bootstrap(ctx, accounts.UserInput{Email: u.email, Name: u.name, Password: demoPassword, Locale: "de"},
			accounts.WorkspaceInput{Name: demoWorkspace, AdvertiserName: "Hamburger Kaffeerösterei GmbH (demo)", PayerName: "Hamburger Kaffeerösterei GmbH (demo)",
				TimeZone: "Europe/Berlin", Currency: "EUR", Locale: "de"}, u.role, true)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	for _, st := range demoSteps {
		if err := st.run(ctx, e, ws); err != nil {
			return fmt.Errorf("demo: %s: %w", st.name, err)
		}
	}
	fmt.Fprintf(e.stdout, "\nDemo workspace ready. Open %s/login and sign in as\n\n  %s / %s\n\n(other roles: marketer@, manager@, scheduler@, viewer@demo.statusads.example, same password)\n\n",
		e.cfg.BaseURL, demoUsers[0].email, demoPassword)
	return e.serve(ctx, &web.DemoLogin{Email: demoUsers[0].email, Password: demoPassword})
}

// seedSecondWorkspace gives the demo admin a second workspace, so that the
// workspace switcher has something to switch to.
func seedSecondWorkspace(ctx context.Context, e *env, _ accounts.Workspace) error {
	_, _, _, err := e.accounts.Bootstrap(ctx, accounts.UserInput{Email: demoUsers[0].email, Name: demoUsers[0].name, Password: demoPassword},
		accounts.WorkspaceInput{Name: demoSecond, AdvertiserName: "Alster Sportswear AG (demo)", PayerName: "Alster Sportswear AG (demo)",
			TimeZone: "Europe/Berlin", Currency: "EUR", Locale: "en"}, accounts.RoleAdmin, true)
	return err
}

// seedDemoProfiles adds a few thousand made-up people with a realistic mix
// of countries, ages and consent states (the same seed each time, so a
// restart adds nothing).
func seedDemoProfiles(ctx context.Context, e *env, ws accounts.Workspace) error {
	_, err := e.targeting.Synthetic(ctx, ws.ID, 4000, 2026, nil)
	return err
}

// seedDemoAudiences saves a few audiences once.
func seedDemoAudiences(ctx context.Context, e *env, ws accounts.Workspace) error {
	existing, err := e.targeting.Audiences(ctx, ws.ID)
	if err != nil || len(existing) > 0 {
		return err
	}
	for _, a := range []struct {
		name string
		spec targeting.Spec
	}{
		{"Hamburg, German speakers", targeting.Spec{Countries: []string{"DE"}, Regions: []string{"Hamburg"}, Languages: []string{"de"}}},
		{"DACH coffee lovers 25–45", targeting.Spec{Countries: []string{"DE", "AT", "CH"}, AgeMin: 25, AgeMax: 45, InterestsInclude: []string{"coffee", "food"}}},
		{"Benelux and France, contextual", targeting.Spec{Countries: []string{"NL", "FR"}}},
		{"Runners without gaming", targeting.Spec{InterestsInclude: []string{"running", "fitness"}, InterestsExclude: []string{"gaming"}}},
	} {
		if _, err := e.targeting.SaveAudience(ctx, ws.ID, 0, a.name, a.spec); err != nil {
			return err
		}
	}
	return nil
}
