// Package views holds the templ components and layouts the apps share: the
// page layout (head, CSRF meta tag, tracked assets) that wraps every dead
// render, and small function components.
package views
