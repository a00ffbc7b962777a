package examples

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestBindingsSaved: the trigger-action form's HTTP target answers with
// what it was sent, escaped.
func TestBindingsSaved(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/examples/bindings/saved",
		strings.NewReader(url.Values{"name": {"Ada <L>"}, "email": {"a@b"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	bindingsSaved(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `<span id="saved-name">Ada &lt;L&gt;</span>`) {
		t.Fatalf("saved page: %d %s", rec.Code, rec.Body)
	}
	bad := httptest.NewRequest(http.MethodPost, "/examples/bindings/saved", strings.NewReader("%zz"))
	bad.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec = httptest.NewRecorder()
	bindingsSaved(rec, bad)
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("malformed form: %d, want 400", rec.Code)
	}
}
