package serve

import (
	"net/http"
)

// handlePage serves the explorer at / (every other path is a 404).
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		s.writeError(w, r, fail(http.StatusNotFound, "no such path %q (see / and /v1/model)", r.URL.Path))
		return
	}
	b, err := page.ReadFile("page/index.html")
	if err != nil {
		s.writeError(w, r, fail(http.StatusInternalServerError, "the page is missing from this build"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:")
	w.Write(b)
}
