package accounts

// Role is what a user may do in one workspace.
type Role string

const (
	RoleAdmin     Role = "admin"
	RoleMarketer  Role = "marketer"
	RoleManager   Role = "manager"
	RoleScheduler Role = "scheduler"
	RoleViewer    Role = "viewer"
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleAdmin, RoleMarketer, RoleManager, RoleScheduler, RoleViewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Permission names one thing a role may do. The web layer checks these on
// every route; the navigation only mirrors them.
type Permission string

const (
	PermViewDashboard   Permission = "dashboard.view"
	PermViewCampaigns   Permission = "campaigns.view"
	PermEditCampaigns   Permission = "campaigns.edit"
	PermApprove         Permission = "campaigns.approve"
	PermViewAudiences   Permission = "audiences.view"
	PermEditAudiences   Permission = "audiences.edit"
	PermViewSchedule    Permission = "schedule.view"
	PermOperateSchedule Permission = "schedule.operate"
	PermViewReports     Permission = "reports.view"
	PermManageWorkspace Permission = "workspace.manage"
	PermViewAudit       Permission = "audit.view"
)

var grants = map[Role][]Permission{
	RoleAdmin: {PermViewDashboard, PermViewCampaigns, PermEditCampaigns, PermApprove, PermViewAudiences, PermEditAudiences,
		PermViewSchedule, PermOperateSchedule, PermViewReports, PermManageWorkspace, PermViewAudit},
	RoleMarketer:  {PermViewDashboard, PermViewCampaigns, PermEditCampaigns, PermViewAudiences, PermEditAudiences, PermViewSchedule, PermViewReports},
	RoleManager:   {PermViewDashboard, PermViewCampaigns, PermApprove, PermViewAudiences, PermViewSchedule, PermViewReports, PermViewAudit},
	RoleScheduler: {PermViewDashboard, PermViewCampaigns, PermViewSchedule, PermOperateSchedule},
	RoleViewer:    {PermViewDashboard, PermViewCampaigns, PermViewReports},
}

// Can reports whether the role grants the permission.
func (r Role) Can(p Permission) bool {
	for _, g := range grants[r] {
		if g == p {
			return true
		}
	}
	return false
}

// Scope is what an API token may do.
type Scope string

const (
	ScopeAll   Scope = "all"    // everything the API offers for the workspace
	ScopeRead  Scope = "read"   // GET requests only
	ScopeFeed  Scope = "feed"   // the messenger platform pulling status ads
	ScopeEvent Scope = "events" // the messenger platform posting events
)

// Scopes lists the scopes a token can carry.
var Scopes = []Scope{ScopeAll, ScopeRead, ScopeFeed, ScopeEvent}
