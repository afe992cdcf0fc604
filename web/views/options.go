package views

import (
	"bytes"
	"encoding/json"

	"github.com/statusads/statusads/accounts"
	"github.com/statusads/statusads/web/views/ui"
)

func currencyOptions() []ui.Option {
	out := make([]ui.Option, len(accounts.Currencies))
	for i, c := range accounts.Currencies {
		out[i] = ui.Option{Value: c, Label: c}
	}
	return out
}

// TimeZoneOptions lists the zones offered in workspace forms: the common
// zones of the markets statusads serves first, then UTC. A workspace created
// through the CLI may use any IANA zone; it is added when not listed.
func TimeZoneOptions(current string) []ui.Option {
	zones := []string{"Europe/Berlin", "Europe/Vienna", "Europe/Zurich", "Europe/Amsterdam", "Europe/Brussels", "Europe/Paris",
		"Europe/Madrid", "Europe/Rome", "Europe/Warsaw", "Europe/Prague", "Europe/Stockholm", "Europe/Copenhagen", "Europe/Oslo",
		"Europe/Helsinki", "Europe/Lisbon", "Europe/Dublin", "Europe/London", "America/New_York", "America/Chicago",
		"America/Los_Angeles", "America/Sao_Paulo", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "UTC"}
	found := current == ""
	out := make([]ui.Option, 0, len(zones)+1)
	for _, z := range zones {
		out = append(out, ui.Option{Value: z, Label: z})
		found = found || z == current
	}
	if !found {
		out = append(out, ui.Option{Value: current, Label: current})
	}
	return out
}

func roleUIOptions(p Page) []ui.Option {
	out := make([]ui.Option, len(accounts.Roles))
	for i, r := range accounts.Roles {
		out[i] = ui.Option{Value: string(r), Label: p.T("role." + string(r))}
	}
	return out
}

func actionOptions(p Page, actions []string) []ui.Option {
	out := []ui.Option{{Value: "", Label: p.T("audit.all_actions")}}
	for _, a := range actions {
		out = append(out, ui.Option{Value: a, Label: auditAction(p, a)})
	}
	return out
}

func prettyJSON(s *string) string {
	if s == nil {
		return "—"
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(*s), "", "  "); err != nil {
		return *s
	}
	return buf.String()
}
