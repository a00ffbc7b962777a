package migrations

import "embed"

// FS holds the numbered goose migrations (*.sql at its root).
//
//go:embed *.sql
var FS embed.FS
