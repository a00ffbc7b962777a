// Package standin is a STAND-IN for the Symbiont API, for tests and local
// demos only: the real API is an external service we do not own. It answers
// the three calls of the contract and can be driven into every error case
// (HTTP errors, string bodies, garbage, timeouts, failed tasks) per
// endpoint, from Go or over HTTP (POST /_standin/mode).
package standin

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Modes an endpoint can be put in.
const (
	OK       = "ok"
	HTTP401  = "http401"
	HTTP500  = "http500"
	String   = "string"   // a JSON string body: "ok"
	Text     = "text"     // a plain-text body
	Garbage  = "garbage"  // invalid JSON
	NoStatus = "nostatus" // progress without a status field
	Slow     = "slow"     // answers after SlowFor (past the client's timeout)
	FailTask = "fail"     // tasks end "failed"
)

// Endpoints.
const (
	EpStatus   = "status"
	EpSubmit   = "submit"
	EpProgress = "progress"
)

// Server is the stand-in. The zero value is not usable: use New.
type Server struct {
	// Token, when set, is required as "Authorization: Bearer <Token>".
	Token string
	// StepsToComplete is how many progress polls a task takes.
	StepsToComplete int
	// SlowFor is how long Slow answers take.
	SlowFor time.Duration

	mu       sync.Mutex
	modes    map[string]string
	tasks    map[string]*task
	next     int
	services []Service
	calls    map[string]int
}

// Service is one entry of the status answer.
type Service struct {
	Name      string `json:"name"`
	State     string `json:"state"`
	CheckedAt string `json:"checked_at"`
	Error     string `json:"error,omitempty"`
}

type task struct {
	prompt string
	polls  int
}

// New returns a stand-in with a few services, answering normally.
func New() *Server {
	now := time.Now().UTC().Format(time.RFC3339)
	return &Server{
		StepsToComplete: 3,
		SlowFor:         7 * time.Second,
		modes:           map[string]string{},
		tasks:           map[string]*task{},
		calls:           map[string]int{},
		services: []Service{
			{Name: "api", State: "up", CheckedAt: now},
			{Name: "worker", State: "up", CheckedAt: now},
			{Name: "scheduler", State: "degraded", CheckedAt: now, Error: "queue backlog 120"},
		},
	}
}

// SetMode puts an endpoint in a mode.
func (s *Server) SetMode(endpoint, mode string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.modes[endpoint] = mode
}

// SetServices replaces the status answer's services.
func (s *Server) SetServices(svcs []Service) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.services = svcs
}

// Calls returns how many times an endpoint was called.
func (s *Server) Calls(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[endpoint]
}

func (s *Server) mode(ep string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[ep]++
	if m := s.modes[ep]; m != "" {
		return m
	}
	return OK
}

// ServeHTTP implements the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/_standin/mode" && r.Method == http.MethodPost {
		s.SetMode(r.URL.Query().Get("endpoint"), r.URL.Query().Get("mode"))
		w.WriteHeader(http.StatusNoContent)
		return
	}
	var ep string
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/status":
		ep = EpStatus
	case r.Method == http.MethodPost && r.URL.Path == "/task":
		ep = EpSubmit
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/task/"):
		ep = EpProgress
	default:
		http.NotFound(w, r)
		return
	}
	if s.Token != "" && ep != EpStatus && r.Header.Get("Authorization") != "Bearer "+s.Token {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"detail": "Not authenticated"})
		return
	}
	switch m := s.mode(ep); m {
	case HTTP401:
		writeJSON(w, http.StatusUnauthorized, map[string]string{"detail": "Invalid token"})
		return
	case HTTP500:
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("Internal Server Error"))
		return
	case String:
		writeJSON(w, http.StatusOK, "ok")
		return
	case Text:
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("everything is fine"))
		return
	case Garbage:
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status": "running", "progress": `))
		return
	case Slow:
		select {
		case <-time.After(s.SlowFor):
		case <-r.Context().Done():
			return
		}
	}
	switch ep {
	case EpStatus:
		s.mu.Lock()
		svcs := append([]Service(nil), s.services...)
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"services": svcs})
	case EpSubmit:
		var body struct {
			Prompt string `json:"prompt"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Prompt == "" {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"detail": "prompt required"})
			return
		}
		s.mu.Lock()
		s.next++
		id := "task-" + strconv.Itoa(s.next)
		s.tasks[id] = &task{prompt: body.Prompt}
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]string{"id": id})
	case EpProgress:
		s.progress(w, strings.TrimPrefix(r.URL.Path, "/task/"))
	}
}

func (s *Server) progress(w http.ResponseWriter, id string) {
	s.mu.Lock()
	t := s.tasks[id]
	mode := s.modes[EpProgress]
	if t != nil {
		t.polls++
	}
	s.mu.Unlock()
	if t == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"detail": "no such task"})
		return
	}
	if mode == NoStatus {
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "progress": 0.5})
		return
	}
	steps := s.StepsToComplete
	switch {
	case t.polls >= steps && mode == FailTask:
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "status": "failed", "error": "the model refused"})
	case t.polls >= steps:
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "status": "completed", "progress": 1.0,
			"result": fmt.Sprintf("done: %q", t.prompt)})
	case t.polls == 1:
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "status": "queued"})
	default:
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "status": "running", "progress": float64(t.polls) / float64(steps)})
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
