package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// act is the shared shape of every decision: build the same domain.Command
// the JSON API builds, send it through service.Act, and go back to where
// the form was; a refusal re-renders the problem page with the form's
// message and input.
func (h *Handler) act(c *gin.Context, action domain.Action, fill func(*domain.Command) error) {
	problemID, form, err := h.send(c, action, fill)
	switch {
	case problemID == 0 || domain.IsCode(err, domain.EInternal):
		h.renderError(c, err) // a bad URL, or logged there: the form cannot help
	case err != nil:
		f := h.failed(c, form, err)
		f.problemID = problemID
		h.showRefused(c, problemID, c.PostForm("back"), httpx.StatusOf(domain.ErrorCode(err)), f)
	default:
		redirectDone(c, localPath(c.PostForm("back"), "/problems/"+itoa(problemID)), action)
	}
}

// send builds the command of action on the problem (and measure) in the
// path and sends it. It returns the problem ID (0 if the path is bad), the
// name the templates give the form, and the refusal.
func (h *Handler) send(c *gin.Context, action domain.Action, fill func(*domain.Command) error) (int64, string, error) {
	problemID, err := pathID(c, "id")
	if err != nil {
		return 0, "", err
	}
	u := currentUser(c)
	cmd := domain.Command{Action: action, Actor: u.Actor()}
	form := string(action)
	if c.Param("mid") != "" {
		if cmd.MeasureID, err = pathID(c, "mid"); err != nil {
			return 0, "", err
		}
		form += "-" + itoa(cmd.MeasureID)
	}
	if err := requestID(c, u, action, &cmd); err != nil {
		return problemID, form, err
	}
	if fill != nil {
		if err := fill(&cmd); err != nil {
			return problemID, form, err
		}
	}
	_, err = h.svc.Act(c.Request.Context(), problemID, cmd)
	return problemID, form, err
}

// requestID scopes the form's request ID to the user and the action, as
// the API scopes Idempotency-Key, so that a double submit applies once.
func requestID(c *gin.Context, u domain.User, action domain.Action, cmd *domain.Command) error {
	rid := strings.TrimSpace(c.PostForm("request_id"))
	if rid == "" || len(rid) > 64 {
		return domain.Errorf(domain.EInvalid, "the form has no valid request ID; reload the page").WithKey("form_stale")
	}
	cmd.RequestID = fmt.Sprintf("u%d:%s:web:%s", u.ID, action, rid)
	return nil
}

// showRefused shows a refused form where it was sent from: the workbench
// for its rows, else the problem page.
func (h *Handler) showRefused(c *gin.Context, problemID int64, back string, status int, f *forms) {
	if strings.HasPrefix(localPath(back, ""), "/workbench") {
		h.showWorkbench(c, status, f)
		return
	}
	h.showProblem(c, problemID, status, f)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
