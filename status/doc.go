// Package status is the cortex status dashboard: the live status page
// (services over PubSub, host metrics), the password-gated mission control
// that runs Symbiont tasks, and the pages it adds to /dashboard. It runs on
// the live engine; cmd/status is its server.
package status
