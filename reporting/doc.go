// Package reporting will ingest events from the messenger platform
// idempotently, roll them up incrementally and answer report queries from the
// rollups only. See DESIGN.md, "The pipeline", steps 5 and 6.
//
// Nothing is implemented here yet.
package reporting
