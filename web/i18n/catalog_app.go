package i18n

// appCatalog holds the texts of the dashboard's pages. It is merged into
// catalog at start; a key defined twice is a programming error.
var appCatalog = map[string]map[string]string{
	// ---- Layout ------------------------------------------------------------
	"nav.demo":   {"en": "Demo data", "de": "Demodaten"},
	"nav.switch": {"en": "Switch", "de": "Wechseln"},

	// ---- Sign-in, setup, invitations -----------------------------------------
	"auth.demo_hint":           {"en": "Demo workspace: sign in as", "de": "Demo-Arbeitsbereich: Anmelden als"},
	"auth.no_workspace":        {"en": "Your account has no active workspace. Ask an administrator to add you.", "de": "Ihr Konto gehört zu keinem aktiven Arbeitsbereich. Bitten Sie eine Administratorin oder einen Administrator, Sie hinzuzufügen."},
	"setup.title":              {"en": "Set up statusads", "de": "statusads einrichten"},
	"setup.intro":              {"en": "Create the first administrator and the first workspace. This link works once.", "de": "Legen Sie die erste Administratorin bzw. den ersten Administrator und den ersten Arbeitsbereich an. Dieser Link funktioniert nur einmal."},
	"setup.you":                {"en": "Your account", "de": "Ihr Konto"},
	"setup.workspace":          {"en": "Your workspace (the advertiser)", "de": "Ihr Arbeitsbereich (der Werbetreibende)"},
	"setup.submit":             {"en": "Create workspace and sign in", "de": "Arbeitsbereich anlegen und anmelden"},
	"invite.title":             {"en": "Join %s", "de": "%s beitreten"},
	"invite.intro":             {"en": "You were invited as %s with the role %s.", "de": "Sie wurden als %s mit der Rolle %s eingeladen."},
	"invite.existing_password": {"en": "You already have an account: confirm with its password", "de": "Sie haben bereits ein Konto: Bestätigen Sie mit dessen Passwort"},
	"invite.submit":            {"en": "Join workspace", "de": "Arbeitsbereich beitreten"},
	"user.name":                {"en": "Name", "de": "Name"},
	"user.password_hint":       {"en": "At least 10 characters. A passphrase of several words is easy to remember.", "de": "Mindestens 10 Zeichen. Eine Passphrase aus mehreren Wörtern ist leicht zu merken."},

	// ---- Workspace fields -------------------------------------------------------
	"workspace.name":            {"en": "Workspace name", "de": "Name des Arbeitsbereichs"},
	"workspace.advertiser":      {"en": "Advertiser", "de": "Werbetreibender"},
	"workspace.advertiser_hint": {"en": "Shown in every ad notice as the advertiser (DSA Art. 26).", "de": "Wird in jedem Werbehinweis als Werbetreibender angezeigt (DSA Art. 26)."},
	"workspace.payer":           {"en": "Paid for by", "de": "Bezahlt von"},
	"workspace.payer_hint":      {"en": "Who pays for the ads, if not the advertiser (DSA Art. 26).", "de": "Wer die Werbung bezahlt, falls nicht der Werbetreibende (DSA Art. 26)."},
	"workspace.time_zone":       {"en": "Time zone", "de": "Zeitzone"},
	"workspace.currency":        {"en": "Currency", "de": "Währung"},
	"workspace.locale":          {"en": "Report language", "de": "Berichtssprache"},

	// ---- Dashboard and sections ---------------------------------------------------
	"dashboard.title":           {"en": "%s", "de": "%s"},
	"dashboard.subtitle":        {"en": "Advertiser: %s", "de": "Werbetreibender: %s"},
	"dashboard.members":         {"en": "Team members", "de": "Teammitglieder"},
	"dashboard.profiles":        {"en": "People in the audience", "de": "Personen in der Zielgruppe"},
	"dashboard.reachable":       {"en": "Reachable now", "de": "Jetzt erreichbar"},
	"dashboard.reachable_note":  {"en": "with consent for contextual ads", "de": "mit Einwilligung für kontextuelle Werbung"},
	"dashboard.step_import":     {"en": "Import your audience with its consent", "de": "Zielgruppe mit Einwilligungen importieren"},
	"dashboard.tokens":          {"en": "Active API tokens", "de": "Aktive API-Tokens"},
	"dashboard.changes_7d":      {"en": "Changes in the last 7 days", "de": "Änderungen der letzten 7 Tage"},
	"dashboard.recent":          {"en": "Recent activity", "de": "Letzte Aktivität"},
	"dashboard.recent_empty":    {"en": "Nothing has changed in this workspace yet.", "de": "In diesem Arbeitsbereich hat sich noch nichts geändert."},
	"dashboard.getting_started": {"en": "Getting started", "de": "Erste Schritte"},
	"dashboard.done":            {"en": "Done", "de": "Erledigt"},
	"dashboard.todo":            {"en": "To do", "de": "Offen"},
	"dashboard.step_workspace":  {"en": "Describe the advertiser and payer", "de": "Werbetreibenden und Zahler angeben"},
	"dashboard.step_team":       {"en": "Invite your team", "de": "Team einladen"},
	"dashboard.step_token":      {"en": "Connect the messenger platform with an API token", "de": "Messenger-Plattform mit einem API-Token verbinden"},
	"dashboard.step_joined":     {"en": "You joined this workspace", "de": "Sie sind diesem Arbeitsbereich beigetreten"},

	"section.campaigns.subtitle":    {"en": "Status ads: creative, budget, schedule and audience.", "de": "Status-Anzeigen: Motiv, Budget, Zeitplan und Zielgruppe."},
	"section.campaigns.empty_title": {"en": "No campaigns yet", "de": "Noch keine Kampagnen"},
	"section.campaigns.empty_text":  {"en": "Campaigns you and your team create appear here with their status and spend.", "de": "Kampagnen, die Sie und Ihr Team anlegen, erscheinen hier mit Status und Ausgaben."},
	"section.audiences.subtitle":    {"en": "People you may reach, with their consent.", "de": "Personen, die Sie mit deren Einwilligung erreichen dürfen."},
	"section.audiences.empty_title": {"en": "No audiences yet", "de": "Noch keine Zielgruppen"},
	"section.audiences.empty_text":  {"en": "Imported profiles and saved audiences appear here with their reach.", "de": "Importierte Profile und gespeicherte Zielgruppen erscheinen hier mit ihrer Reichweite."},
	"section.schedule.subtitle":     {"en": "What goes out when, what went out, what failed.", "de": "Was wann ausgespielt wird, was ausgespielt wurde, was fehlschlug."},
	"section.schedule.empty_title":  {"en": "Nothing scheduled", "de": "Nichts geplant"},
	"section.schedule.empty_text":   {"en": "Pushes of approved campaigns appear here on a timeline.", "de": "Ausspielungen freigegebener Kampagnen erscheinen hier auf einer Zeitleiste."},
	"section.reports.subtitle":      {"en": "Impressions, reach, frequency, clicks and spend.", "de": "Impressionen, Reichweite, Frequenz, Klicks und Ausgaben."},
	"section.reports.empty_title":   {"en": "No data to report yet", "de": "Noch keine Daten für Berichte"},
	"section.reports.empty_text":    {"en": "Reports fill in as soon as a campaign has delivered.", "de": "Berichte füllen sich, sobald eine Kampagne ausgespielt wurde."},

	// ---- Settings ---------------------------------------------------------------
	"settings.workspace": {"en": "Workspace", "de": "Arbeitsbereich"},
	"settings.users":     {"en": "Users", "de": "Benutzer"},
	"settings.tokens":    {"en": "API tokens", "de": "API-Tokens"},
	"settings.audit":     {"en": "Audit log", "de": "Protokoll"},

	"users.role":                  {"en": "Role", "de": "Rolle"},
	"users.role_of":               {"en": "Role of %s", "de": "Rolle von %s"},
	"users.active":                {"en": "Active", "de": "Aktiv"},
	"users.disabled":              {"en": "Disabled", "de": "Deaktiviert"},
	"users.disable":               {"en": "Disable", "de": "Deaktivieren"},
	"users.enable":                {"en": "Enable", "de": "Aktivieren"},
	"users.disable_confirm":       {"en": "Disable %s? They are signed out of this workspace at once and cannot sign in to it until enabled again.", "de": "%s deaktivieren? Die Person wird sofort aus diesem Arbeitsbereich abgemeldet und kann sich erst nach erneuter Aktivierung wieder anmelden."},
	"users.pending":               {"en": "Pending invitations", "de": "Offene Einladungen"},
	"users.expires":               {"en": "Expires", "de": "Läuft ab"},
	"users.revoke_invite_confirm": {"en": "Revoke the invitation for %s? The link stops working.", "de": "Einladung für %s widerrufen? Der Link funktioniert dann nicht mehr."},
	"users.invite_title":          {"en": "Invite by link", "de": "Per Link einladen"},
	"users.invite_text":           {"en": "You get a one-time link, valid for 7 days, to send to the person. They choose their own password.", "de": "Sie erhalten einen einmaligen, 7 Tage gültigen Link für die Person. Sie wählt ihr Passwort selbst."},
	"users.invite_submit":         {"en": "Create invitation link", "de": "Einladungslink erstellen"},
	"users.invite_created":        {"en": "Invitation created. Send this link to the person; it is shown only once:", "de": "Einladung erstellt. Senden Sie diesen Link an die Person; er wird nur einmal angezeigt:"},
	"users.create_title":          {"en": "Create with a password", "de": "Mit Passwort anlegen"},
	"users.create_text":           {"en": "For accounts you hand over yourself. If the email already has an account, it is added with its own password.", "de": "Für Konten, die Sie selbst übergeben. Hat die E-Mail-Adresse bereits ein Konto, wird es mit dessen Passwort hinzugefügt."},
	"users.initial_password":      {"en": "Initial password", "de": "Erstes Passwort"},
	"users.create_submit":         {"en": "Create user", "de": "Benutzer anlegen"},

	"tokens.name":           {"en": "Name", "de": "Name"},
	"tokens.name_hint":      {"en": "Say which system uses it, for example “Messenger feed” or “CRM sync”.", "de": "Geben Sie an, welches System ihn nutzt, zum Beispiel „Messenger-Feed“ oder „CRM-Abgleich“."},
	"tokens.prefix":         {"en": "Token", "de": "Token"},
	"tokens.scopes":         {"en": "Scopes", "de": "Berechtigungen"},
	"tokens.last_used":      {"en": "Last used", "de": "Zuletzt verwendet"},
	"tokens.never":          {"en": "Never", "de": "Nie"},
	"tokens.active":         {"en": "Active", "de": "Aktiv"},
	"tokens.revoked":        {"en": "Revoked", "de": "Widerrufen"},
	"tokens.revoke_confirm": {"en": "Revoke the token “%s”? Systems using it lose access at once.", "de": "Token „%s“ widerrufen? Systeme, die ihn nutzen, verlieren sofort den Zugriff."},
	"tokens.created":        {"en": "Token created. Copy it now; it is shown only once:", "de": "Token erstellt. Kopieren Sie ihn jetzt; er wird nur einmal angezeigt:"},
	"tokens.empty_title":    {"en": "No API tokens", "de": "Keine API-Tokens"},
	"tokens.empty_text":     {"en": "Create a token so that the messenger platform or your CRM can use the API.", "de": "Erstellen Sie einen Token, damit die Messenger-Plattform oder Ihr CRM die API nutzen kann."},
	"tokens.create_title":   {"en": "Create a token", "de": "Token erstellen"},
	"tokens.create_submit":  {"en": "Create token", "de": "Token erstellen"},
	"scope.all":             {"en": "Everything", "de": "Alles"},
	"scope.read":            {"en": "Read only", "de": "Nur lesen"},
	"scope.feed":            {"en": "Status feed", "de": "Status-Feed"},
	"scope.events":          {"en": "Post events", "de": "Ereignisse senden"},

	"audit.when":        {"en": "When", "de": "Wann"},
	"audit.actor":       {"en": "Who", "de": "Wer"},
	"audit.action":      {"en": "Action", "de": "Aktion"},
	"audit.object":      {"en": "Object", "de": "Objekt"},
	"audit.request":     {"en": "Request", "de": "Anfrage"},
	"audit.before":      {"en": "Before", "de": "Vorher"},
	"audit.after":       {"en": "After", "de": "Nachher"},
	"audit.details":     {"en": "Details", "de": "Details"},
	"audit.from":        {"en": "From", "de": "Von"},
	"audit.to":          {"en": "To", "de": "Bis"},
	"audit.all_actions": {"en": "All actions", "de": "Alle Aktionen"},
	"audit.older":       {"en": "Older entries", "de": "Ältere Einträge"},
	"audit.empty_title": {"en": "No entries", "de": "Keine Einträge"},
	"audit.empty_text":  {"en": "Changes to this workspace are recorded here. Try a wider filter.", "de": "Änderungen an diesem Arbeitsbereich werden hier erfasst. Versuchen Sie einen weiteren Filter."},

	"audit.action.workspace.create":  {"en": "Workspace created", "de": "Arbeitsbereich angelegt"},
	"audit.action.workspace.update":  {"en": "Workspace changed", "de": "Arbeitsbereich geändert"},
	"audit.action.member.add":        {"en": "Member added", "de": "Mitglied hinzugefügt"},
	"audit.action.member.role":       {"en": "Role changed", "de": "Rolle geändert"},
	"audit.action.member.disable":    {"en": "Member disabled", "de": "Mitglied deaktiviert"},
	"audit.action.member.enable":     {"en": "Member enabled", "de": "Mitglied aktiviert"},
	"audit.action.token.create":      {"en": "API token created", "de": "API-Token erstellt"},
	"audit.action.token.revoke":      {"en": "API token revoked", "de": "API-Token widerrufen"},
	"audit.action.invitation.create": {"en": "Invitation created", "de": "Einladung erstellt"},
	"audit.action.invitation.revoke": {"en": "Invitation revoked", "de": "Einladung widerrufen"},
	"audit.action.invitation.accept": {"en": "Invitation accepted", "de": "Einladung angenommen"},

	"account.title":            {"en": "Your account", "de": "Ihr Konto"},
	"account.password_title":   {"en": "Change password", "de": "Passwort ändern"},
	"account.current_password": {"en": "Current password", "de": "Aktuelles Passwort"},
	"account.new_password":     {"en": "New password", "de": "Neues Passwort"},
	"account.password_submit":  {"en": "Change password", "de": "Passwort ändern"},

	// ---- Flash messages ------------------------------------------------------------
	"flash.logged_out":         {"en": "You are signed out.", "de": "Sie sind abgemeldet."},
	"flash.setup_done":         {"en": "Welcome! Your workspace is ready.", "de": "Willkommen! Ihr Arbeitsbereich ist bereit."},
	"flash.invite_accepted":    {"en": "Welcome to the workspace.", "de": "Willkommen im Arbeitsbereich."},
	"flash.workspace_switched": {"en": "Workspace switched.", "de": "Arbeitsbereich gewechselt."},
	"flash.workspace_saved":    {"en": "Workspace settings saved.", "de": "Einstellungen des Arbeitsbereichs gespeichert."},
	"flash.language_saved":     {"en": "Language saved.", "de": "Sprache gespeichert."},
	"flash.password_changed":   {"en": "Password changed. Other sessions were signed out.", "de": "Passwort geändert. Andere Sitzungen wurden abgemeldet."},
	"flash.user_created":       {"en": "User added.", "de": "Benutzer hinzugefügt."},
	"flash.user_disabled":      {"en": "User disabled and signed out.", "de": "Benutzer deaktiviert und abgemeldet."},
	"flash.user_enabled":       {"en": "User enabled.", "de": "Benutzer aktiviert."},
	"flash.role_changed":       {"en": "Role changed.", "de": "Rolle geändert."},
	"flash.invitation_revoked": {"en": "Invitation revoked.", "de": "Einladung widerrufen."},
	"flash.token_revoked":      {"en": "Token revoked.", "de": "Token widerrufen."},

	// ---- Errors and validation ------------------------------------------------------
	"error.too_large":               {"en": "The upload is too large.", "de": "Die Datei ist zu groß."},
	"validation.required":           {"en": "Please fill this in.", "de": "Bitte ausfüllen."},
	"validation.too_long":           {"en": "This is too long.", "de": "Das ist zu lang."},
	"validation.invalid_email":      {"en": "This is not a valid email address.", "de": "Das ist keine gültige E-Mail-Adresse."},
	"validation.email_taken":        {"en": "An account with this email already exists.", "de": "Es gibt bereits ein Konto mit dieser E-Mail-Adresse."},
	"validation.already_member":     {"en": "This person is already a member of the workspace.", "de": "Diese Person ist bereits Mitglied des Arbeitsbereichs."},
	"validation.password_too_short": {"en": "Use at least 10 characters.", "de": "Verwenden Sie mindestens 10 Zeichen."},
	"validation.password_too_long":  {"en": "Use at most 72 bytes.", "de": "Verwenden Sie höchstens 72 Bytes."},
	"validation.wrong_password":     {"en": "The password is not correct.", "de": "Das Passwort ist nicht korrekt."},
	"validation.invalid_time_zone":  {"en": "Pick a time zone from the list (an IANA name such as Europe/Berlin).", "de": "Wählen Sie eine Zeitzone aus der Liste (ein IANA-Name wie Europe/Berlin)."},
	"validation.invalid_currency":   {"en": "Pick a currency from the list.", "de": "Wählen Sie eine Währung aus der Liste."},
	"validation.invalid_locale":     {"en": "Pick English or German.", "de": "Wählen Sie Englisch oder Deutsch."},
	"validation.invalid_role":       {"en": "Pick a role from the list.", "de": "Wählen Sie eine Rolle aus der Liste."},
	"validation.invalid_scope":      {"en": "Pick scopes from the list.", "de": "Wählen Sie Berechtigungen aus der Liste."},
	"validation.invalid_date":       {"en": "Use a date like 2026-11-25.", "de": "Verwenden Sie ein Datum wie 2026-11-25."},
}

func init() { merge(appCatalog) }

// merge adds a section's texts to the catalog; a key defined twice is a
// programming error caught at start.
func merge(section map[string]map[string]string) {
	for k, v := range section {
		if _, dup := catalog[k]; dup {
			panic("i18n: key defined twice: " + k)
		}
		catalog[k] = v
	}
}
