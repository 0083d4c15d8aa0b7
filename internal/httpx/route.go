package httpx

import (
	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/logging"
)

// RecordRoute tells the access log and the metrics which route template
// matched ("unmatched" for none), after the handlers ran, so the raw path
// with its IDs never becomes a label. Both front ends' routers use it.
func RecordRoute(c *gin.Context) {
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	logging.FromContext(c.Request.Context()).SetRoute(route)
}
