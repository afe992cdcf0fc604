// Package campaigns will hold campaigns and creatives, their lifecycle and
// approval, budgets and frequency caps, cron schedules and their materialised
// occurrences, the set-based push that turns an occurrence into placements,
// and the publishers (feed API and signed webhook) that hand placements to
// the messenger platform. See DESIGN.md, "The pipeline", steps 3 and 4.
//
// Nothing is implemented here yet; the package exists so that the layout the
// design describes is visible from the start.
package campaigns
