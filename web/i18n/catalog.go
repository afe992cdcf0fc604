package i18n

// catalog maps a message key to its text per language. Keys are
// "area.what", lower snake case. Append new keys in the section they belong
// to; TestCatalogComplete fails if a key lacks "en" or "de" or if the two
// use different format verbs (German may reorder with %[2]s).
//
// German uses the formal "Sie", as business software does.
var catalog = map[string]map[string]string{
	// ---- Navigation ---------------------------------------------------------
	"nav.dashboard":        {"en": "Dashboard", "de": "Übersicht"},
	"nav.campaigns":        {"en": "Campaigns", "de": "Kampagnen"},
	"nav.audiences":        {"en": "Audiences", "de": "Zielgruppen"},
	"nav.schedule":         {"en": "Schedule", "de": "Zeitplan"},
	"nav.reports":          {"en": "Reports", "de": "Berichte"},
	"nav.settings":         {"en": "Settings", "de": "Einstellungen"},
	"nav.logout":           {"en": "Sign out", "de": "Abmelden"},
	"nav.switch_workspace": {"en": "Switch workspace", "de": "Arbeitsbereich wechseln"},
	"nav.language":         {"en": "Language", "de": "Sprache"},
	"nav.menu":             {"en": "Menu", "de": "Menü"},
	"nav.skip_to_content":  {"en": "Skip to content", "de": "Zum Inhalt springen"},
	"nav.main":             {"en": "Main navigation", "de": "Hauptnavigation"},
	"nav.language_english": {"en": "English", "de": "Englisch"},
	"nav.language_german":  {"en": "German", "de": "Deutsch"},

	// ---- Generic ------------------------------------------------------------
	"common.save":       {"en": "Save", "de": "Speichern"},
	"common.cancel":     {"en": "Cancel", "de": "Abbrechen"},
	"common.create":     {"en": "Create", "de": "Erstellen"},
	"common.edit":       {"en": "Edit", "de": "Bearbeiten"},
	"common.delete":     {"en": "Delete", "de": "Löschen"},
	"common.revoke":     {"en": "Revoke", "de": "Widerrufen"},
	"common.back":       {"en": "Back", "de": "Zurück"},
	"common.close":      {"en": "Close", "de": "Schließen"},
	"common.search":     {"en": "Search", "de": "Suchen"},
	"common.filter":     {"en": "Filter", "de": "Filtern"},
	"common.none":       {"en": "None", "de": "Keine"},
	"common.yes":        {"en": "Yes", "de": "Ja"},
	"common.no":         {"en": "No", "de": "Nein"},
	"common.actions":    {"en": "Actions", "de": "Aktionen"},
	"common.created_at": {"en": "Created", "de": "Erstellt am"},
	"common.status":     {"en": "Status", "de": "Status"},
	"common.loading":    {"en": "Loading…", "de": "Wird geladen …"},

	// ---- Sign-in ------------------------------------------------------------
	"auth.login_title":         {"en": "Sign in", "de": "Anmelden"},
	"auth.email":               {"en": "Email", "de": "E-Mail-Adresse"},
	"auth.password":            {"en": "Password", "de": "Passwort"},
	"auth.login_button":        {"en": "Sign in", "de": "Anmelden"},
	"auth.invalid_credentials": {"en": "Email or password is incorrect.", "de": "E-Mail-Adresse oder Passwort ist falsch."},
	"auth.rate_limited": {
		"en": "Too many sign-in attempts. Try again in %d minutes.",
		"de": "Zu viele Anmeldeversuche. Versuchen Sie es in %d Minuten erneut.",
	},
	"auth.logged_out": {"en": "You have been signed out.", "de": "Sie wurden abgemeldet."},

	// ---- Errors -------------------------------------------------------------
	"error.not_found": {
		"en": "The page or item you asked for does not exist, or you cannot see it.",
		"de": "Die angeforderte Seite oder der Eintrag existiert nicht oder ist für Sie nicht sichtbar.",
	},
	"error.forbidden": {
		"en": "Your role does not allow this action.",
		"de": "Ihre Rolle erlaubt diese Aktion nicht.",
	},
	"error.conflict": {
		"en": "Someone changed this in the meantime. Reload the page and try again.",
		"de": "Der Eintrag wurde inzwischen geändert. Laden Sie die Seite neu und versuchen Sie es erneut.",
	},
	"error.bad_request": {
		"en": "The request could not be processed. Check your input and try again.",
		"de": "Die Anfrage konnte nicht verarbeitet werden. Prüfen Sie Ihre Eingaben und versuchen Sie es erneut.",
	},
	"error.unauthorized": {
		"en": "Sign in to continue.",
		"de": "Melden Sie sich an, um fortzufahren.",
	},
	"error.too_many_requests": {
		"en": "Too many requests. Wait a moment and try again.",
		"de": "Zu viele Anfragen. Warten Sie einen Moment und versuchen Sie es erneut.",
	},
	"error.internal": {
		"en": "Something went wrong on our side. Try again in a moment.",
		"de": "Auf unserer Seite ist ein Fehler aufgetreten. Versuchen Sie es gleich noch einmal.",
	},
	"error.csrf": {
		"en": "Your session form expired. Reload the page and try again.",
		"de": "Das Formular ist abgelaufen. Laden Sie die Seite neu und versuchen Sie es erneut.",
	},
	"error.title_400":  {"en": "Invalid request", "de": "Ungültige Anfrage"},
	"error.title_401":  {"en": "Sign-in required", "de": "Anmeldung erforderlich"},
	"error.title_403":  {"en": "Not allowed", "de": "Keine Berechtigung"},
	"error.title_404":  {"en": "Not found", "de": "Nicht gefunden"},
	"error.title_409":  {"en": "Changed in the meantime", "de": "Inzwischen geändert"},
	"error.title_429":  {"en": "Too many requests", "de": "Zu viele Anfragen"},
	"error.title_500":  {"en": "Something went wrong", "de": "Ein Fehler ist aufgetreten"},
	"error.back_home":  {"en": "Back to the dashboard", "de": "Zurück zur Übersicht"},
	"error.request_id": {"en": "Request ID: %s", "de": "Anfrage-ID: %s"},

	// ---- Roles --------------------------------------------------------------
	// German uses function names, which are gender-neutral.
	"role.admin":     {"en": "Admin", "de": "Administration"},
	"role.marketer":  {"en": "Marketer", "de": "Marketing"},
	"role.manager":   {"en": "Manager", "de": "Management"},
	"role.scheduler": {"en": "Scheduler", "de": "Ausspielungsplanung"},
	"role.viewer":    {"en": "Viewer", "de": "Lesezugriff"},
}
